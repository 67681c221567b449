"""The demo's maintenance fund: a year of ledger lines, an emergency lift repair settled, a roof repair for
building 3 in its hearing, lift-advertising income moved into the fund, and the disclosures half done."""

import random
from datetime import timedelta

from sqlalchemy import select

from ..core.timeutil import frozen
from ..estate.models import Unit
from ..extensions import db
from . import applications, disclosures, income, ledger


def seed(now, staff, committee, owner=None) -> None:
    rng = random.Random(2026)
    units = list(db.session.scalars(select(Unit).order_by(Unit.code)))

    def at(days: float):
        return frozen(now - timedelta(days=days))

    with at(50):
        rows = [{"unit": u.code, "amount": f"{u.area_centi * rng.choice((40, 45, 50)) // 100}.00"} for u in units]
        ledger.import_opening(None, rows, via="demo", memo="2025年12月银行对账单期初余额")
    with at(40):
        ledger.interest(staff, "1288.36", "2025年度存款利息")
    with at(30):
        plan = applications.draft(staff, {
            "title": "2号楼电梯困人应急维修", "facility": "2号楼1单元电梯",
            "project": "曳引机制动器失灵，电梯困人，需立即更换制动器。",
            "quotes": "电梯维保公司报价 8,600.00 元", "budget": "8600.00", "building": "2", "emergency": True,
            "emergency_kind": "lift"})
        applications.site_check(committee, plan.id, "业委会两名委员到场确认电梯停用，现场拍照存档。")
        applications.approve(committee, plan.id)
        applications.file(committee, plan.id, "区住建委应急备案2026-007", (now - timedelta(days=30)).date().isoformat())
    with at(28):
        applications.accept(committee, plan.id, "更换后试运行正常，验收合格。")
        applications.settle(staff, plan.id, "8450.00", "增值税发票 No.04512877")
    with at(20):
        contract = income.create_contract(staff, {"common_part": "电梯轿厢广告位", "payer": "城联传媒有限公司",
                                                  "amount": "12000.00", "starts_on": "2026-01-01",
                                                  "ends_on": "2026-12-31"})
        income.record(staff, {"kind": "receipt", "contract_id": contract.id, "amount": "6000.00",
                              "memo": "上半年广告费"})
        income.record(staff, {"kind": "cost", "amount": "600.00", "memo": "代收代管合理成本（10%）"})
        income.transfer(staff, "5400.00", "公共收益转入维修资金")
    with at(10):
        disclosures.publish(staff, "income",
                            "2026年上半年公共收益：收入 6,000.00 元，成本 600.00 元，转入维修资金 5,400.00 元。")
        disclosures.publish(staff, "fund_use", "2号楼电梯应急维修使用维修资金 8,450.00 元，已于业委会验收后结算。")
    with at(2):
        roof = applications.draft(staff, {
            "title": "3号楼屋面防水翻新", "facility": "3号楼屋面",
            "project": "屋面防水层老化渗漏，拟整体翻新，工期20天。",
            "quotes": "甲公司 46,800.00 元；乙公司 49,500.00 元", "budget": "46800.00", "building": "3"})
        applications.publish(staff, roof.id, 10)
    if owner is not None:
        with at(1):
            disclosures.file_request(owner, "information", "公共收益下半年的广告费什么时候收到？")
