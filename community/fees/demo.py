"""The fees part of the demo: a service fee by area and a parking fee, four months of bills made on the day
each month began, most units paying at the desk, a few in arrears on the reminder ladder, one dispute."""

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from ..core.timeutil import frozen
from ..estate.models import Unit
from ..extensions import db
from . import ledger, reports, services


def seed(now: datetime, staff, people) -> None:
    rng = random.Random(944)
    periods = [ledger.add_months(ledger.period_of(now), -k) for k in (3, 2, 1, 0)]
    codes = list(db.session.scalars(select(Unit.code).order_by(Unit.id)))
    with frozen(now - timedelta(days=100)):
        services.create_item(staff, {"name": "物业服务费", "basis": "area", "rate": "2.35", "starts": periods[0]})
        services.create_item(staff, {"name": "车位管理费", "basis": "space", "rate": "80.00", "starts": periods[0],
                                     "units": {codes[0]: 1, codes[1]: 1, codes[45]: 2}})
        reports.import_balances(staff, "unit,period,amount,description\n"
                                       f"{codes[10]},{ledger.add_months(periods[0], -12)},2536.80,纸质台账转入\n")
    late = set(rng.sample(codes, 12)) | {codes[10], codes[0]}
    for k, period in enumerate(periods):
        start = datetime(int(period[:4]), int(period[5:]), 1, 2, 0)
        with frozen(min(start, now)):
            services.generate(staff, period)
        if k == len(periods) - 1:
            break
        for code in codes:
            if code in late or rng.random() < 0.06:
                continue
            with frozen(min(start + timedelta(days=rng.randint(3, 25), hours=rng.randint(0, 8)), now)):
                s = reports.statement(staff, code, mark_read=False)
                if s["owing"] != "0.00":
                    services.record_payment(staff, {"unit": code, "amount": s["owing"],
                                                    "channel": rng.choice(["cash", "transfer", "card"]),
                                                    "reference": f"DEMO{rng.randint(100000, 999999)}"})
    with frozen(now - timedelta(days=20)):
        services.record_payment(staff, {"unit": codes[50], "amount": "1200.00", "channel": "transfer",
                                        "reference": "预存一年"})
    ladder = [("notice", {}), ("letter", {"channel": "handed", "proof": "业主本人签收"}),
              ("phone", {"note": "业主称电梯多次故障，对服务不满"}),
              ("demand", {"channel": "posted", "proof": "EMS 1170 2233 4455"})]
    for steps, code, days in ((4, codes[10], 25), (2, codes[0], 12), (1, sorted(late)[2], 5)):
        for i, (step, extra) in enumerate(ladder[:steps]):
            with frozen(now - timedelta(days=days - 3 * i)):
                services.remind(staff, code, {"step": step, **extra})
    wang = people[0]
    bill = next(b for b in reports.statement(wang, codes[0], mark_read=False)["bills"] if b["status"] == "overdue")
    services.open_dispute(wang, bill["id"], {"text": "车位上个月被占用了半个月，物业没有处理，这个月车位费不合理。"})
