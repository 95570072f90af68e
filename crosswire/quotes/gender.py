"""Which pronoun a person takes, when the text or a common first name says so, for pronoun agreement.

"Thurman's allegations had been anticipated since she hinted..." cannot be Harvey Weinstein. The
resolver picks the nearest fitting antecedent; without agreement, "she" jumped to the nearest name
of either sex. The evidence, in order: a gendered honorific or role word introducing the person
("Mrs.", "actress", "spokeswoman", "husband"), then the first name, from short lists of first
names that are almost always one sex in English-language news. Anything else is unknown, and
unknown never blocks a match.
"""

from __future__ import annotations

_FEMALE_WORDS = frozenset(
    """mrs ms miss madam madame lady dame queen princess duchess countess actress spokeswoman
    chairwoman congresswoman businesswoman councilwoman policewoman sportswoman anchorwoman woman
    wife mother daughter sister aunt niece grandmother girlfriend widow bride girl""".split()
)
_MALE_WORDS = frozenset(
    """mr sir lord king prince duke spokesman chairman congressman businessman councilman
    policeman sportsman anchorman man husband father son brother uncle nephew grandfather
    boyfriend widower groom boy""".split()
)
_FEMALE_NAMES = frozenset(
    """mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty
    margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa deborah
    stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna brenda pamela
    nicole emma samantha katherine christine debra rachel catherine carolyn janet ruth maria heather
    diane virginia julie joyce victoria olivia kelly christina lauren joan evelyn judith megan
    cheryl andrea hannah martha jacqueline frances gloria ann teresa kathryn sara janice alice
    madison doris abigail julia judy grace denise amber marilyn beverly danielle theresa sophia
    marie diana brittany natalie isabella charlotte rose alexis kayla hillary kathy liz holly
    susanne sabine claudia monika petra ingrid anne sophie camille isabelle nathalie valerie
    elena olga natalia tatiana irina svetlana yulia anastasia giulia francesca chiara sofia
    lucia carmen pilar rosa ana beatriz fatima aisha maryam leila yasmin priya sunita anjali
    mei ling yuki""".split()
)
# "Jean" (French men, English women), "Kim", "Taylor", "Jordan", "Ali" and the like are left out:
# a name borne by both sexes is no evidence.
_MALE_NAMES = frozenset(
    """james john robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald
    edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon
    benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam
    nathan henry douglas zachary peter kyle walter ethan jeremy harold keith christian roger noah
    gerald carl terry sean austin arthur lawrence jesse dylan bryan joe billy bruce albert
    willie gabriel logan alan juan wayne roy ralph randy eugene vincent russell elijah louis bobby
    philip johnny harvey mike tom bill jim ted doug jeff chris hugh max lewis sebastian
    hans jurgen klaus wolfgang stefan andreas pierre jacques francois michel
    emmanuel nicolas vladimir sergei sergey dmitry alexei alexey ivan igor mikhail nikolai
    giuseppe giovanni marco matteo luca angelo carlos luis miguel pedro manuel
    mohammed muhammad ahmed hassan hussein omar abdullah rajesh rahul amit sanjay
    hiroshi takeshi""".split()
)


def pronoun_gender(word: str) -> str | None:
    """'f' for she/her, 'm' for he/him, None for anything else."""
    low = word.lower()
    return "f" if low in ("she", "her") else "m" if low in ("he", "him") else None


def person_gender(name: str, roles: frozenset[str] | set[str] = frozenset()) -> str | None:
    """'f', 'm' or None (unknown) for a full name and the words introducing it."""
    words = {r.rstrip(".") for r in roles}
    female, male = bool(words & _FEMALE_WORDS), bool(words & _MALE_WORDS)
    if female != male:
        return "f" if female else "m"
    first = name.split()[0].lower() if name and " " in name else ""
    if first in _FEMALE_NAMES:
        return "f"
    if first in _MALE_NAMES:
        return "m"
    return None
