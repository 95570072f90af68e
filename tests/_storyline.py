"""Two stories of one storyline that spell a name differently, for the web tests' name-variant line.

Geneva talks (two outlets, "Sergei Lavrov") and a Beijing visit six days later (two outlets, "Sergey
Lavrov") on the same arms treaty: the grouper puts them in one storyline of two stories. The Beijing
story's title carries markup that must reach the page only as text.
"""

from __future__ import annotations

import re
import time

import httpx

ARMS_TALKS = [
    {"id": "arms-geneva-1", "source": "Alpine Wire", "published": "2026-03-03T09:00:00Z",
     "title": "Lavrov and US envoy open New START talks in Geneva",
     "text": ("Russian Foreign Minister Sergei Lavrov and US special envoy Mark Ellison opened talks in Geneva on "
              "Tuesday on extending the New START nuclear arms treaty, which expires next February.\n"
              "Sergei Lavrov told reporters after the four-hour meeting at the US mission that Moscow was ready to "
              "extend the treaty for five years without new conditions. \"We came here to save the last arms "
              "control agreement we have,\" he said.\n"
              "Ellison said Washington wanted China to join future arms control talks and called the first round useful.")},
    {"id": "arms-geneva-2", "source": "Lakeside Post", "published": "2026-03-03T14:10:00Z",
     "title": "Geneva talks: Moscow offers five-year New START extension",
     "text": ("Moscow is ready to extend the New START treaty by five years, Russian Foreign Minister Sergei Lavrov "
              "said in Geneva on Tuesday after four hours of talks with US envoy Mark Ellison at the American mission.\n"
              "Ellison called the Geneva round useful but repeated that Washington wants China in any future deal. "
              "Both delegations said they would meet again next month.")},
    {"id": "arms-beijing-1", "source": "Danube Daily", "published": "2026-03-09T16:30:00Z",
     "title": "Lavrov visits Beijing <script>window.pwned=1</script> as China refuses to join arms talks",
     "text": ("Russian Foreign Minister Sergey Lavrov met Chinese Foreign Minister Wang Yi in Beijing on Monday, "
              "a week after his Geneva talks with the United States on the New START treaty.\n"
              "Wang told a joint news conference that China would not take part in trilateral arms negotiations "
              "because its arsenal was a fraction of the American and Russian stockpiles. "
              "Sergey Lavrov said Moscow respected Beijing's position and would not press it.\n"
              "The two ministers also signed an agreement on energy cooperation and discussed the Korean peninsula.")},
    {"id": "arms-beijing-2", "source": "Harbour Times", "published": "2026-03-09T18:45:00Z",
     "title": "Wang Yi tells Lavrov China will stay out of trilateral arms deal",
     "text": ("China will not join trilateral arms negotiations with Russia and the United States, Foreign Minister "
              "Wang Yi said in Beijing on Monday after meeting Russian Foreign Minister Sergey Lavrov.\n"
              "Sergey Lavrov said Russia would not push Beijing to sign. The ministers also agreed on energy "
              "cooperation and spoke about the Korean peninsula, officials said.")},
]

NAMES_LINE = re.compile(r'<p class="names-across">(.*?)</p>', re.S)


def names_lines(client: httpx.Client, path: str, wait: float = 240) -> list[str]:
    """The name-variant lines of a page, polled until there is one: the server analyses a storyline's
    stories in the background and shows its names once they are all analysed."""
    deadline = time.monotonic() + wait
    while True:
        page = client.get(path)
        assert page.status_code == 200
        found = NAMES_LINE.findall(page.text)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)
