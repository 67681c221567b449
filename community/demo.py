"""A realistic demo estate for `make run`: three buildings, 120 units, and people in every role."""

import random

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from .accounts import services as accounts
from .accounts.models import User
from .core.identity import id_check_digit
from .estate import services as estate
from .extensions import db
from .rules import services as rules

demo_cli = AppGroup("demo", help="Demo data.")

PASSWORD = "linli-demo-2026"
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
    rng = random.Random(20261127)
    units = build_units(rng)
    # One buyer who owns two units.
    units[1]["owners"] = [dict(units[0]["owners"][0])]
    estate.import_units(None, units, via="demo")
    version = rules.current_version()
    logins = []
    admin = accounts.create_staff(None, {"real_name": "林管理", "phone": "13800000001", "password": PASSWORD,
                                         "role": "admin"}, via="demo")
    staff = accounts.create_staff(None, {"real_name": "周前台", "phone": "13800000002", "password": PASSWORD,
                                         "role": "staff"}, via="demo")
    logins += [("admin 管理员", admin.phone, PASSWORD), ("staff 物业前台", staff.phone, PASSWORD)]

    def apply(i: int, unit: dict | None, relation: str, label: str, **extra) -> User:
        owner = (unit or {}).get("owners", [{}])[0] if relation == "owner" else {}
        data = {"real_name": owner.get("name") or make_name(rng), "phone": f"139{i:08d}", "password": PASSWORD,
                "id_number": owner.get("id_number") or make_id_number(rng), "relation": relation,
                "unit": unit["code"] if unit else None, "accepted_rules_version": version,
                "display_name": extra.pop("display_name", None)} | extra
        user = accounts.register(data)
        logins.append((label, user.phone, PASSWORD))
        return user

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
    _conversation(staff, admin, approved)
    apply(20, units[20], "owner", "pending owner (on roster) 待审核业主")
    apply(21, units[70], "owner", "pending owner (not on roster) 待审核（不符）", real_name="错名字")
    apply(22, units[30], "tenant", "pending tenant 待审核租户")
    return logins


def _conversation(staff, admin, people: list[User]) -> None:
    """A few threads and chat messages so the boards and rooms are not empty."""
    from .boards import services as boards
    from .chat import services as chat

    wang, li, zhang, liu, chen = people[:5]
    boards.start_thread(staff, "notices", "本周六上午二次供水水箱清洗停水通知",
                                 "各位业主：\n\n本周六 **8:00–12:00** 清洗二次供水水箱，期间 1–3 号楼停水，请提前储水。")
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
    click.echo("Demo estate ready. Logins (password for all: %s):" % PASSWORD)
    for label, phone, _password in logins:
        click.echo(f"  {phone}  {label}")
