"""A realistic demo estate for `make run`: three buildings, 120 units, people in every role, and two months
of life at the front desk, told in order through the real services. The services read the clock through
``timeutil``, so the story moves it forward: accounts are made eight weeks ago, repairs are filed, handled
and rated on the days they happened, and what is going on today (threads, chat, an open vote) happens now."""

import random
from datetime import timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from .accounts import services as accounts
from .accounts.models import User
from .core.identity import id_check_digit
from .core.timeutil import frozen, utcnow
from .estate import services as estate
from .extensions import db
from .rules import services as rules
from .votes import demo as votes_demo

demo_cli = AppGroup("demo", help="Demo data.")

PASSWORD = "linli-demo-2026"
SETTLED = timedelta(days=56)  # the estate came online this long before the demo's "now"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美玉桂兰萍建国志平红霞文辉斌宇浩然欣怡子涵雨轩梓"


def make_id_number(rng: random.Random) -> str:
    region = rng.choice(["110101", "310104", "440305", "330106", "510107", "320102"])
    birth = f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = region + birth + f"{rng.randint(0, 999):03d}"
    return first17 + id_check_digit(first17)


def make_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def build_units(rng: random.Random) -> list[dict]:
    units = []
    for building in (1, 2, 3):
        for entrance in (1, 2):
            for floor in range(1, 11):
                for room in (1, 2):
                    code = f"{building}-{entrance}-{floor}{room:02d}"
                    area = rng.choice([8950, 10235, 12060, 14380, 7825, 9100])
                    developer = building == 3 and floor == 10
                    owners = [] if developer else [{"name": make_name(rng), "id_number": make_id_number(rng)}]
                    units.append({"code": code, "building": str(building), "area": f"{area // 100}.{area % 100:02d}",
                                  "developer_held": developer, "owners": owners})
    return units


def seed() -> list[tuple[str, str, str]]:
    """Create the demo; answer (who, phone, password) for each login."""
    now = utcnow()
    rng = random.Random(20261127)
    units = build_units(rng)
    # One buyer who owns two units.
    units[1]["owners"] = [dict(units[0]["owners"][0])]
    version = rules.current_version()
    logins = []

    def apply(i: int, unit: dict | None, relation: str, label: str, **extra) -> User:
        owner = (unit or {}).get("owners", [{}])[0] if relation == "owner" else {}
        data = {"real_name": owner.get("name") or make_name(rng), "phone": f"139{i:08d}", "password": PASSWORD,
                "id_number": owner.get("id_number") or make_id_number(rng), "relation": relation,
                "unit": unit["code"] if unit else None, "accepted_rules_version": version,
                "display_name": extra.pop("display_name", None)} | extra
        user = accounts.register(data)
        logins.append((label, user.phone, PASSWORD))
        return user

    with frozen(now - SETTLED):
        estate.import_units(None, units, via="demo")
        admin = accounts.create_staff(None, {"real_name": "林管理", "phone": "13800000001", "password": PASSWORD,
                                             "role": "admin"}, via="demo")
        staff = accounts.create_staff(None, {"real_name": "周前台", "phone": "13800000002", "password": PASSWORD,
                                             "role": "staff"}, via="demo")
        logins += [("admin 管理员", admin.phone, PASSWORD), ("staff 物业前台", staff.phone, PASSWORD)]
        approved = [
            apply(1, units[0], "owner", "owner with two units 两套房业主", display_name="一栋老王"),
            apply(2, units[45], "owner", "committee member 业委会委员", display_name="二栋李老师"),
            apply(3, units[90], "owner", "committee member 业委会委员", display_name="三栋张阿姨"),
            apply(4, units[10], "owner", "owner 业主", display_name="一栋小刘"),
            apply(5, units[50], "owner", "owner 业主", display_name="二栋陈姐"),
            apply(6, units[10], "family", "family member 家属"),
            apply(7, units[60], "tenant", "tenant 租户"),
            apply(8, None, "vendor", "vendor 商户", organization="邻里便民维修部"),
        ]
        for user in approved:
            accounts.approve(staff, user.id)
        for user in approved[1:3]:
            accounts.set_committee(admin, user.id, True)
    _front_desk(now, staff, approved)
    from .fund import demo as fund_demo
    fund_demo.seed(now, staff, approved[1], approved[0])
    _conversation(staff, admin, approved)
    votes_demo.seed(approved)
    from .fire import demo as fire_demo
    fire_demo.seed(now, staff, approved)
    from .fees import demo as fees_demo
    fees_demo.seed(now, staff, approved)
    from .accounts import demo as identity
    logins += identity.seed(staff, units)
    apply(20, units[20], "owner", "pending owner (on roster) 待审核业主")
    apply(21, units[70], "owner", "pending owner (not on roster) 待审核（不符）", real_name="错名字")
    apply(22, units[30], "tenant", "pending tenant 待审核租户")
    return logins


def _front_desk(now, staff, people: list[User]) -> None:
    """Notices with receipts, repairs and complaints at every step, a public suggestion and an open survey,
    in the order they happened, so that the service figures have a history and one request is overdue."""
    from .desk import notices, surveys, tickets

    wang, li, zhang, liu, chen, family, tenant = people[:7]

    def at(days: float, hours: float = 0):
        return frozen(now - timedelta(days=days, hours=hours))

    def carry(who, kind, data, days, *, department, worker=None, steps=(), rating=None, comment=None):
        """File a request ``days`` ago and take it through ``steps``: (verb, hours after filing, note)."""
        with at(days):
            found = tickets.file_ticket(who, kind, data)
        for verb, hours, note in (("accept", 0.4, None), *steps):
            with at(days, -hours):
                if verb == "accept":
                    tickets.accept(staff, kind, found.id, {"department": department, "worker": worker, "note": note})
                elif verb == "reopen":
                    tickets.reopen(who, kind, found.id, {"reason": note})
                elif verb == "confirm":
                    tickets.confirm(who, kind, found.id, {"rating": rating, "comment": comment})
                else:
                    {"start": tickets.start, "done": tickets.finish, "note": tickets.add_note}[verb](
                        staff, kind, found.id, {"note": note})
        return found

    # Rated at the return visit over the past weeks: the figures' history.
    carry(wang, "repair", {"category": "plumbing", "unit": "1-1-101",
                           "description": "厨房水槽下水管漏水，柜子里都是水。"},
          52, department="engineering", worker="李师傅",
          steps=(("start", 1, "师傅已上门。"), ("done", 5, "更换了下水管和密封圈，试水无渗漏。"),
                 ("confirm", 24, None)),
          rating=5, comment="师傅很专业，处理得很干净。")
    carry(liu, "repair", {"category": "lift", "common_area": "1号楼1单元电梯",
                          "description": "电梯运行时有异响，到6楼时明显抖动。"},
          45, department="engineering", worker="电梯维保王工",
          steps=(("start", 0.8, "已停梯检修。"), ("done", 11, "更换导靴，已恢复运行。"), ("confirm", 30, None)),
          rating=3, comment="修好了，但停梯时间太长。")
    carry(chen, "complaint", {"unit": "2-1-601", "description": "地下车库经常有外来车辆占用业主固定车位。"},
          38, department="security",
          steps=(("start", 2, None),
                 ("done", 40, "已在车库入口加强登记，外来车辆一律不得进入固定车位区域，并张贴了告示。"),
                 ("confirm", 60, None)), rating=4)
    carry(li, "repair", {"category": "walls_ceiling", "unit": "2-1-302",
                         "description": "卫生间天花板有水渍，疑似楼上渗水。"},
          25, department="engineering", worker="张师傅",
          steps=(("start", 3, "已联系楼上业主，约定周三上门检查。"),
                 ("done", 70, "楼上防水层已修补，天花板已重新刷漆。"), ("confirm", 96, None)),
          rating=4, comment="沟通及时。")
    carry(zhang, "repair", {"category": "common_facilities", "common_area": "3号楼单元门禁",
                            "description": "3号楼1单元门禁刷卡没有反应。"},
          20, department="engineering", worker="弱电刘工",
          steps=(("start", 2, None), ("done", 30, "更换门禁读卡器。"), ("confirm", 40, None)), rating=5)
    carry(tenant, "repair", {"category": "electrical", "unit": "2-2-101", "description": "客厅插座一用电器就跳闸。"},
          12, department="engineering", worker="李师傅",
          steps=(("start", 2, None), ("done", 6, "更换了插座。"), ("reopen", 10, "换了插座还是跳闸。"),
                 ("note", 10.5, "今晚再来检查线路。"), ("done", 22, "线路受潮短路，已重新布线。"),
                 ("confirm", 30, None)),
          rating=4, comment="第二次修好了。")

    # The notices of this week.
    with at(4):
        fire = notices.post_notice(staff, {
            "category": "fire_safety", "must_acknowledge": True, "title": "冬季消防安全告知书",
            "body": "各位业主、住户：\n\n冬季是火灾高发期，请做到：\n\n"
                    "1. **不在楼道、消防通道堆放杂物**，不占用消防车道停车；\n"
                    "2. 电动车不进楼道、不入户充电，请到小区集中充电点充电；\n"
                    "3. 出门前关闭燃气阀门和大功率电器；\n"
                    "4. 熟悉本楼的安全出口和灭火器位置。\n\n请阅读后点击“确认已阅读”，物业将按户统计。"})
    for who, days in ((wang, 3.9), (liu, 3.5), (chen, 3), (tenant, 2.5), (family, 2)):
        with at(days):
            notices.acknowledge(who, fire.id)
    with at(1.8):
        notices.open_notice(li, fire.id)  # read, not yet acknowledged

    with at(3):
        survey = surveys.create_survey(staff, {
            "title": "2026年度物业服务满意度调查", "per": "unit", "closes_at": (now + timedelta(days=18)).isoformat(),
            "description": "每户填写一次，约两分钟。结果将在问卷结束后向全体业主公布。",
            "questions": [
                {"kind": "rating", "text": "您对物业服务的总体评价"},
                {"kind": "single", "text": "您最希望优先改进哪一项？",
                 "options": ["安保与门禁", "保洁与垃圾清运", "维修响应速度", "绿化养护", "停车管理"]},
                {"kind": "multiple", "text": "您通过哪些方式了解物业通知？",
                 "options": ["线上平台", "楼道公告栏", "业主群", "前台"]},
                {"kind": "text", "text": "其他意见和建议", "required": False}]})
    q = [str(question.id) for question in survey.questions]
    for who, unit, answers, days in (
            (wang, "1-1-101", {q[0]: 4, q[1]: 2, q[2]: [0, 1]}, 2.9),
            (li, None, {q[0]: 5, q[1]: 4, q[2]: [0, 2], q[3]: "希望增加夜间巡逻。"}, 2.4),
            (liu, None, {q[0]: 3, q[1]: 2, q[2]: [1]}, 1.5)):
        with at(days):
            surveys.answer(who, survey.id, {"unit": unit, "answers": answers})

    # Requests open right now, one at each step.
    carry(liu, "repair", {"category": "doors_windows", "unit": "1-1-601",
                          "description": "阳台推拉门关不严，晚上漏风。"},
          2, department="engineering", worker="张师傅", steps=(("start", 20, "需要订购滑轮，预计两天到货。"),))
    with at(1, 2):
        outage = notices.post_notice(staff, {
            "category": "outage", "buildings": ["2"], "title": "2号楼供水管道维修临时停水通知",
            "body": "因2号楼供水主管道维修，**明天 9:00–15:00** 2号楼全楼停水，请提前储水。给您带来不便，敬请谅解。"})
    carry(liu, "complaint", {"unit": "1-1-601", "description": "楼上装修每天晚上九点以后还在电钻施工，影响休息。"},
          0.9, department="security", steps=(("note", 1, "已联系装修户，并安排保安晚间巡查。"),))
    carry(chen, "suggestion", {"public": True, "common_area": "2号楼大门",
                               "description": "建议在2号楼大门口加装雨棚，雨天进出和取快递很不方便。"},
          0.8, department="developer", steps=(("note", 2, "已转交开发商评估，预计两周内答复。"),))
    carry(wang, "repair", {"category": "other", "unit": "1-1-102", "description": "次卧空调冷凝水管脱落，外墙滴水。"},
          0.7, department="engineering", worker="李师傅",
          steps=(("start", 9, None), ("done", 11, "已重新固定冷凝水管。请确认是否修好。")))
    carry(chen, "repair", {"category": "plumbing", "unit": "2-1-601", "description": "厨房下水很慢，疏通剂没用。"},
          0.25, department="engineering", worker="李师傅")
    for who, days in ((chen, 0.2), (li, 0.15)):
        with at(days):
            notices.open_notice(who, outage.id)
    with at(0, 3):  # past its one-hour response target: it stands out for the staff
        tickets.file_ticket(family, "repair", {"category": "electrical", "unit": "1-1-601",
                                            "description": "卫生间排风扇不转，开关指示灯不亮。"})


def _conversation(staff, admin, people: list[User]) -> None:
    """A few threads and chat messages so the boards and rooms are not empty."""
    from .boards import services as boards
    from .chat import services as chat

    wang, li, zhang, liu, chen = people[:5]
    boards.start_thread(staff, "notices", "本周六上午二次供水水箱清洗停水通知",
                        "各位业主：\n\n本周六 **8:00–12:00** 清洗二次供水水箱，期间 1–3 号楼停水，"
                        "请提前储水。")
    fire = boards.start_thread(admin, "fire-safety", "请勿占用消防通道",
                               "近期发现 2 号楼东侧消防通道有车辆停放，请车主尽快挪车。消防通道是生命通道。")
    boards.reply(li, fire.id, "支持！晚上经常有外来车辆停在那里。")
    talk = boards.start_thread(zhang, "neighbours", "小区里有人组织周末羽毛球吗？",
                               "想找几位邻居周末一起打羽毛球，地点在小区会所。")
    first = boards.reply(liu, talk.id, "我可以参加，周日上午方便。")
    boards.reply(chen, talk.id, "@三栋张阿姨 我也想加入！", parent_id=first.id)
    chat.send(wang, "lobby", "大家好，一栋老王报到。", "demo-1")
    chat.send(li, "lobby", "欢迎！有事可以在这里说。", "demo-2")
    chat.send(admin, "announcements", "物业前台工作时间：每天 8:00–20:00。", "demo-3")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has accounts.")
def seed_command(if_empty: bool) -> None:
    """Fill an empty database with the demo estate and print its logins."""
    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo("Database already has accounts; demo not added. Demo logins, if it was seeded before:")
            click.echo(f"  admin 13800000001, staff 13800000002, owners 13900000001-13900000008; "
                       f"password {PASSWORD}")
            return
        raise click.ClickException("the database already has accounts")
    logins = seed()
    click.echo(f"Demo estate ready. Logins (password for all: {PASSWORD}):")
    for label, phone, _password in logins:
        click.echo(f"  {phone}  {label}")
