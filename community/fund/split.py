"""Splitting an amount of fen over units by exclusive area.

The rule (largest remainder, 最大余额法): each unit first gets floor(total × area / total area) fen; the fen left
over (fewer than the number of units) go one each to the units with the largest fractional remainders; equal
remainders go to the smaller unit code first (plain string order). The shares always sum to the total exactly.
Negative totals are split as their absolute value and the shares negated, so a charge and its reversal mirror.
"""


def split_by_area(total_fen: int, units: list[tuple[str, int]]) -> dict[str, int]:
    """``units`` is [(code, area_centi)], codes unique, areas positive; answer {code: fen}."""
    if not units:
        raise ValueError("nothing to split over")
    if total_fen < 0:
        return {code: -fen for code, fen in split_by_area(-total_fen, units).items()}
    area = sum(a for _code, a in units)
    if area <= 0 or any(a <= 0 for _code, a in units):
        raise ValueError("areas must be positive")
    shares = {}
    remainders = []
    for code, a in units:
        whole, rest = divmod(total_fen * a, area)
        shares[code] = whole
        remainders.append((-rest, code))
    left = total_fen - sum(shares.values())
    for _rest, code in sorted(remainders)[:left]:
        shares[code] += 1
    return shares
