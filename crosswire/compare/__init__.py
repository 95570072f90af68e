"""Comparing articles: aligned statements, claims, entities."""
