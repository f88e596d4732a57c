"""ProfileCache: the profiles a scan made lately, so a text compared again is not profiled again."""

from __future__ import annotations

from collections import OrderedDict

from dedup.model import Document
from dedup.profile.profile import Profile, profile_document
from dedup.settings import Settings


class ProfileCache:
    """Profiles of the last `capacity` documents compared, least recently used dropped first.

    A scan profiles an item and each source on its shortlist. Sources come back (a story with
    several derivatives), and an item profiled today is a source tomorrow; profiling is most of
    the cost of a compare, and a pure function of the document, so its result can be reused.
    """

    def __init__(self, settings: Settings, capacity: int = 128) -> None:
        self.settings = settings
        self.capacity = capacity
        self._profiles: OrderedDict[Document, Profile] = OrderedDict()

    def profile(self, document: Document) -> Profile:
        """Return the profile of `document`, made now or kept from before."""
        kept = self._profiles.get(document)
        if kept is not None:
            self._profiles.move_to_end(document)
            return kept
        made = profile_document(document, self.settings)
        self._profiles[document] = made
        if len(self._profiles) > self.capacity:
            self._profiles.popitem(last=False)
        return made
