"""A province on paper, for bench/province_day.py: its offices, their counters, its day's arrivals.

Pure and seeded: the same arguments give the same province and the same day.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass

# The day replayed is the contract's example desk: Mo-Fr 07:30-11:30, 13:30-17:00 (7.5 h open).
# Relative arrival rate at each hh:mm, linear in between and zero outside opening hours: a
# morning peak around 09:00 (people come before work and before the first files close) and
# a smaller one in mid-afternoon. Only the shape matters; arrivals are scaled to the day's total.
MORNING = (("07:30", 0.6), ("08:00", 1.4), ("08:30", 2.0), ("09:00", 2.2), ("09:30", 2.0),
           ("10:00", 1.6), ("10:30", 1.2), ("11:00", 0.9), ("11:30", 0.5))
AFTERNOON = (("13:30", 0.6), ("14:00", 1.0), ("14:30", 1.1), ("15:00", 1.0), ("15:30", 0.8),
             ("16:00", 0.6), ("16:30", 0.4), ("17:00", 0.2))
CURVE = (MORNING, AFTERNOON)

# Service codes shared by the province's offices (the "where to go now" API asks by code),
# with the share of citizens who come for each. A commune offers the first three.
SERVICES = (("ho-tich", "Hộ tịch", 0.30), ("chung-thuc", "Chứng thực", 0.25),
            ("dat-dai", "Đất đai", 0.20), ("kinh-doanh", "Đăng ký kinh doanh", 0.10),
            ("xay-dung", "Xây dựng", 0.10), ("lao-dong", "Lao động – Bảo hiểm xã hội", 0.05))
SERVICES_BY_KIND = {"centre": 6, "branch": 5, "commune": 3}
CENTRE_COUNTERS, BRANCH_COUNTERS = 30, 14
PROVINCE_CENTRE = (18.34, 105.90)  # latitude, longitude the offices are scattered around


def seconds_of(clock: str) -> int:
    """Seconds after midnight of an hh:mm."""
    hours, minutes = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def clock_of(seconds: float) -> str:
    """hh:mm of a number of seconds after midnight."""
    minutes = int(seconds // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def open_seconds() -> int:
    """How long the day's offices are open, in seconds."""
    return sum(seconds_of(part[-1][0]) - seconds_of(part[0][0]) for part in CURVE)


def rate_at(seconds: float) -> float:
    """The curve's relative arrival rate at a moment of the day (0 when closed)."""
    for part in CURVE:
        points = [(seconds_of(clock), rate) for clock, rate in part]
        for (start, low), (end, high) in itertools.pairwise(points):
            if start <= seconds < end:
                return low + (high - low) * (seconds - start) / (end - start)
    return 0.0


def arrival_seconds(total: int, rng: random.Random) -> list[float]:
    """`total` arrival moments (seconds after midnight) following the curve, in order.

    Stratified inverse sampling over one-minute steps: arrival i falls at quantile
    (i + u) / total of the day's cumulated rate, so counts per half-hour follow the curve
    closely while the moments within a minute stay random.
    """
    minutes = [(start, start + 60) for part in CURVE
               for start in range(seconds_of(part[0][0]), seconds_of(part[-1][0]), 60)]
    cumulated, running = [], 0.0
    for start, end in minutes:
        running += rate_at((start + end) / 2)
        cumulated.append(running)
    arrivals = []
    for index in range(total):
        quantile = (index + rng.random()) / total * running
        minute = min(bisect.bisect_right(cumulated, quantile), len(minutes) - 1)
        arrivals.append(minutes[minute][0] + 60 * rng.random())
    return sorted(arrivals)


def share_between(start: float, end: float) -> float:
    """The share of the day's arrivals that fall between two moments."""
    whole = _integral(0, 24 * 3600)
    return _integral(start, end) / whole


def _integral(start: float, end: float) -> float:
    return sum(rate_at(moment + 30) * 60 for moment in range(int(start), int(end), 60))


@dataclass(frozen=True)
class OfficePlan:
    """One office of the province: what it offers and who works there."""

    slug: str
    name: str
    kind: str  # centre, branch or commune
    area: str
    services: tuple[str, ...]
    counters: tuple[tuple[str, ...], ...]  # the services each counter calls, counter 1 first
    kiosks: int
    location: tuple[float, float]


def province_offices(branches: int = 10, communes: int = 139, counters: int = 400,
                     seed: int = 1) -> list[OfficePlan]:
    """The centre, its branches and the communes, with `counters` counters in all."""
    rng = random.Random(seed)
    left = counters - CENTRE_COUNTERS - branches * BRANCH_COUNTERS
    if not communes <= left <= 2 * communes:
        raise ValueError(f"{left} counters cannot give each of {communes} communes one or two")
    offices = [_office("trung-tam", "Trung tâm Phục vụ hành chính công tỉnh", "centre",
                       "Thành phố", CENTRE_COUNTERS, rng)]
    offices += [_office(f"chi-nhanh-{index:02d}", f"Chi nhánh {index} – Trung tâm PVHCC",
                        "branch", f"Khu vực {index}", BRANCH_COUNTERS, rng)
                for index in range(1, branches + 1)]
    twos = left - communes  # the larger communes have two counters, the others one
    offices += [_office(f"xa-{index:03d}", f"Trung tâm PVHCC xã {index}", "commune",
                        f"Khu vực {index % branches + 1}", 2 if index <= twos else 1, rng)
                for index in range(1, communes + 1)]
    return offices


def _office(slug: str, name: str, kind: str, area: str, counters: int,
            rng: random.Random) -> OfficePlan:
    codes = tuple(code for code, _name, _share in SERVICES[:SERVICES_BY_KIND[kind]])
    if counters < len(codes):  # a small desk: every counter does everything
        served = [codes] * counters
    else:  # each counter two neighbouring services, so every service has several counters
        served = [(codes[number % len(codes)], codes[(number + 1) % len(codes)])
                  for number in range(counters)]
    latitude, longitude = PROVINCE_CENTRE
    location = (round(latitude + rng.uniform(-0.6, 0.6), 5),
                round(longitude + rng.uniform(-0.6, 0.6), 5))
    return OfficePlan(slug, name, kind, area, codes, tuple(served),
                      max(1, counters // 8), location)


@dataclass(frozen=True)
class Arrival:
    """A citizen at a kiosk: when (seconds after midnight), where and for what."""

    at: float
    office: int  # index in the province's offices
    service: str


def day_arrivals(offices: list[OfficePlan], total: int, seed: int = 1) -> list[Arrival]:
    """The day's citizens: each office gets a share by its counters, each a service by SERVICES."""
    rng = random.Random(seed)
    weights = [len(office.counters) for office in offices]
    shares = {code: share for code, _name, share in SERVICES}
    chosen = rng.choices(range(len(offices)), weights=weights, k=total)
    arrivals = []
    for moment, index in zip(arrival_seconds(total, rng), chosen, strict=True):
        codes = offices[index].services
        service = rng.choices(codes, weights=[shares[code] for code in codes])[0]
        arrivals.append(Arrival(moment, index, service))
    return arrivals


def office_file(offices: list[OfficePlan], *, network_keys: bool) -> str:
    """The province's office file (TOML); with network_keys, the [province] and per-office
    kind, area, address and location that the "where to go now" API reads."""
    names = {code: name for code, name, _share in SERVICES}
    lines = ['[province]\nslug = "tinh-thu-tai"\nname = "Tỉnh thử tải"\n'] if network_keys else []
    for office in offices:
        # Open all day: the replay runs on today's clock, whatever the hour (see province_day).
        lines.append(f'[[office]]\nslug = "{office.slug}"\nname = "{office.name}"\n'
                     f'timezone = "Asia/Ho_Chi_Minh"\nopening_hours = "24/7"\n'
                     # The officer waits for the citizen in the day's time, not the server's.
                     f"min_seconds_before_no_show = 0\n")
        if network_keys:
            latitude, longitude = office.location
            lines.append(f'kind = "{office.kind}"\narea = "{office.area}"\n'
                         f'address = "{office.area}, Tỉnh thử tải"\n'
                         f"location = [{latitude}, {longitude}]\n")
        for position, code in enumerate(office.services, 1):
            lines.append(f'  [[office.service]]\n  code = "{code}"\n  name = "{names[code]}"\n'
                         f'  prefix = "{position}"\n')
        for number, served in enumerate(office.counters, 1):
            listed = ", ".join(f'"{code}"' for code in served)
            lines.append(f"  [[office.counter]]\n  number = {number}\n  services = [{listed}]\n")
    return "\n".join(lines)

