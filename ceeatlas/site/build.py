"""What every page module gets: the data, the routing, the Jinja environment and the template
context, computed once per build."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jinja2 import Environment

from ceeatlas.curated import CuratedData
from ceeatlas.fragments import FragmentCache
from ceeatlas.pulled import PulledData, Routing


@dataclass
class Build:
    data: CuratedData
    pulled: PulledData
    routing: Routing
    env: Environment
    fragments: FragmentCache
    today: dt.date
    code_names: dict[str, str]  # ACE Center code ("CEE007") -> Center name, for CBP's own label
    context: dict = field(default_factory=dict)  # what every template sees

    def render(self, template: str, **extra) -> str:
        return self.env.get_template(template).render(self.context, **extra)

    @property
    def release_title(self) -> str:
        """The newest HTSUS release held ("HTSUS 2026 Revision 10"), or "" without one."""
        schedule = self.pulled.schedule
        return schedule.release.title if schedule else ""

    @property
    def center_names(self) -> dict[str, str]:
        return {center_id: center.name for center_id, center in self.data.centers.items()}
