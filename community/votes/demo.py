"""The demo's owners' votes, written through the real services with a moved clock: an open single-motion vote
on the maintenance fund (announced 16 days ago, so its notice has run) and an announced assembly ballot with a
motion and a committee election."""

from datetime import timedelta

from ..core.timeutil import frozen, utcnow
from . import services as votes


def seed(people) -> None:
    wang, li, _zhang, _liu, chen = people[:5]
    now = utcnow()
    with frozen(now - timedelta(days=16)):
        vote = votes.create(li, {
            "title": "使用专项维修资金更换1号楼1单元电梯", "matter": 5, "secret": False,
            "closes_at": (now + timedelta(days=14)).isoformat(),
            "body": "1号楼1单元电梯已运行十五年，今年维修多次。业委会提议使用专项维修资金约 **48 万元** 更换整机。\n\n"
                    "需专有部分面积和人数均占三分之二以上的业主参与表决，并经参与表决专有部分面积过半数且人数过半数的"
                    "业主同意。"})
        votes.announce(li, vote.id)
    votes.open_vote(li, vote.id)
    votes.cast(wang, vote.id, "yes")
    votes.cast(chen, vote.id, "yes")
    assembly = votes.create(li, {
        "title": "2027 年第一次业主大会", "secret": True, "closes_at": (now + timedelta(days=45)).isoformat(),
        "body": "本次业主大会表决两项事项：修订业主大会议事规则，选举第二届业主委员会委员（3 名）。",
        "items": [
            {"kind": "motion", "title": "修订《业主大会议事规则》", "matter": 1,
             "body": "将业主大会会议公告期明确为 15 日，异议期为 7 日，每名受托人最多接受 3 户委托。"},
            {"kind": "election", "title": "选举第二届业主委员会委员", "seats": 3,
             "body": "应选 3 名，每张选票最多勾选 3 名候选人。",
             "candidates": [{"name": "李娜", "statement": "连任候选人，负责维修资金监督。"},
                            {"name": "王伟", "statement": "从事财务工作十年，愿意审核物业收支。"},
                            {"name": "陈静", "statement": "退休教师，关注老人和儿童活动空间。"},
                            {"name": "刘洋", "statement": "希望推动停车位和电动车充电改造。"}]},
        ]})
    votes.announce(li, assembly.id)
