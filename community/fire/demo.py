"""A believable fire-safety history for the demo, written through the real services on a moved clock: the register
with one extinguisher about to expire and one past its date, monthly rounds (last month's done in building 1 and
skipped in building 2), a defect with its repair request, hazard reports at every rung, a control-room roster
with a gap and an expiring certificate, and drills."""

from datetime import date, timedelta

from ..core.timeutil import frozen
from . import common, drills, hazards, jobs, roster, services


def seed(now, staff, people) -> None:
    wang, li, _zhang, liu, chen, _family, tenant = people[:7]
    today = common.local_date(now)
    first = today.replace(day=1)
    last_month = common.utc_start((first - timedelta(days=1)).replace(day=1)) + timedelta(hours=2)

    with frozen(last_month - timedelta(days=3)):
        routes = {}
        for building in ("1", "2", "3"):
            made = []
            for floor in range(1, 11, 3):
                made.append(services.register_facility(staff, {
                    "building": building, "floor": str(floor), "kind": "extinguisher",
                    "location": f"{floor}楼电梯厅东侧", "model": "ABC干粉", "capacity": "4kg",
                    "expires_on": (today + timedelta(days=400 + floor)).isoformat()}))
                made.append(services.register_facility(staff, {
                    "building": building, "floor": str(floor), "kind": "hydrant",
                    "location": f"{floor}楼消防栓箱", "service_due_on": (today + timedelta(days=200)).isoformat()}))
            made.append(services.register_facility(staff, {
                "building": building, "floor": "1", "kind": "exit_sign", "location": "一楼大堂安全出口"}))
            routes[building] = made
        soon = routes["1"][0]
        services.update_facility(staff, soon.id, {"expires_on": (today + timedelta(days=12)).isoformat()})
        services.update_facility(staff, routes["3"][0].id, {"expires_on": (today - timedelta(days=5)).isoformat()})
        control = services.register_facility(staff, {"building": "1", "floor": "B1", "kind": "control_room",
                                                     "location": "地下一层消防控制室"})
        for building, made in routes.items():
            route = services.create_route(staff, {"name": f"{building}号楼月度巡检", "building": building,
                                                  "facility_ids": [f.id for f in made]})
            services.create_plan(staff, {"route_id": route.id, "frequency": "monthly"})
        daily = services.create_route(staff, {"name": "消防控制室日检", "building": "1",
                                              "facility_ids": [control.id]})
        services.create_plan(staff, {"route_id": daily.id, "frequency": "daily"})

    with frozen(last_month):
        jobs.run(last_month)
        done = services.rounds(staff, status="open")
        one = next(r for r in done if r["route"].startswith("1号楼"))
        page = services.round_page(staff, one["id"])
        for n, task in enumerate(page["task_list"]):
            broken = n == 1
            services.check(staff, one["id"], {"facility_id": task["facility"]["id"],
                                              "result": "defect" if broken else "ok",
                                              "note": "消防栓箱内水带缺失" if broken else None})
    with frozen(last_month + timedelta(days=1)):
        from ..desk import tickets as desk
        defect = services.defects(staff)[0]
        desk.start(staff, "repair", defect["ticket_id"], {})
        desk.finish(staff, "repair", defect["ticket_id"], {"note": "已补配25米水带一盘"})
        services.mark_repaired(staff, defect["id"], {"note": "工程部补配水带"})
    with frozen(now - timedelta(hours=1)):
        jobs.run(now - timedelta(hours=1))  # last month's skipped rounds turn overdue; this month's open

    _hazards(now, staff, wang, liu, chen, tenant)
    _control_room(now, staff, today)
    _drills(now, staff, wang, liu, li)


def _hazards(now, staff, wang, liu, chen, tenant) -> None:
    with frozen(now - timedelta(days=9)):
        lane = hazards.report(wang, {"building": "1", "kind": "blocked_fire_lane", "spot": "1号楼北侧消防通道",
                                     "description": "一辆白色面包车连续两天停在消防通道上，救火车进不来。"})
    ladder = [("acknowledge", {}), ("ask", {"note": "已电话联系车主（1-2-702）并在车上张贴告知单，要求当日挪走"}),
              ("recheck", {"cleared": False, "note": "次日复查，车辆仍在原处"}),
              ("report_authority", {"authority": "police", "note": "已报辖区派出所，接警民警到场处理"}),
              ("close", {"note": "车辆已移走，通道畅通"})]
    for n, (step, data) in enumerate(ladder):
        with frozen(now - timedelta(days=8 - n)):
            hazards.advance(staff, lane.id, step, data)
    with frozen(now - timedelta(days=2)):
        again = hazards.report(liu, {"building": "1", "kind": "blocked_fire_lane", "spot": "1号楼 北侧消防通道",
                                     "description": "又有车停在消防通道了。"})
        hazards.advance(staff, again.id, "acknowledge", {})
        bike = hazards.report(chen, {"building": "2", "kind": "ebike_charging", "spot": "2号楼1单元5楼楼道",
                                     "description": "有人从家里拉线在楼道给电动车充电，晚上一直充着。"})
        hazards.advance(staff, bike.id, "acknowledge", {})
        hazards.advance(staff, bike.id, "ask", {"note": "已上门告知502住户，当面讲明楼道充电的危险"})
    with frozen(now - timedelta(hours=5)):
        hazards.report(tenant, {"building": "2", "kind": "fire_door_locked", "spot": "2号楼2单元地下室防火门",
                                "description": "防火门被铁链锁住了。"})


def _control_room(now, staff, today: date) -> None:
    with frozen(now - timedelta(days=1)):
        crew = [roster.add_staff(staff, {"name": name, "certificate_no": number,
                                         "certificate_expires_on": expires.isoformat()})
                for name, number, expires in (("陈明", "4101-2024-0031", today + timedelta(days=700)),
                                              ("许亮", "4101-2021-0188", today + timedelta(days=20)),
                                              ("杜峰", "4101-2023-0412", today + timedelta(days=500)),
                                              ("孙磊", "4101-2025-0077", today + timedelta(days=900)))]
        for n in range(7):
            day = (today + timedelta(days=n)).isoformat()
            day_crew = (crew[0], crew[1]) if n % 2 == 0 else (crew[0], crew[2])
            night_crew = (crew[2], crew[3]) if n != 4 else (crew[3],)  # the 5th night is short
            for person in day_crew:
                roster.assign(staff, {"day": day, "slot": "day", "staff_id": person.id})
            for person in night_crew:
                roster.assign(staff, {"day": day, "slot": "night", "staff_id": person.id})


def _drills(now, staff, wang, liu, li) -> None:
    from ..core.timeutil import iso
    with frozen(now - timedelta(days=20)):
        past = drills.plan(staff, {"building": "1", "title": "1号楼夜间疏散演练", "place": "1号楼前广场",
                                   "starts_at": iso(now - timedelta(days=14))})
        drills.sign_up(wang, past.id)
        drills.sign_up(liu, past.id)
    with frozen(now - timedelta(days=14)):
        drills.check_in(wang, past.checkin_code)
        drills.write_report(staff, past.id, {"report": "到场住户 23 人，从警报响起到全部集合用时 4 分 30 秒；"
                                                       "二单元楼梯间堆放杂物，已当场清理。"})
    with frozen(now - timedelta(days=1)):
        upcoming = drills.plan(staff, {"title": "灭火器使用培训", "place": "小区中心花园",
                                       "starts_at": iso(now + timedelta(days=10))})
        drills.sign_up(li, upcoming.id)
