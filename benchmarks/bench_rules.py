"""Time the interaction-rules check: a 2,000-word policy against realistic Chinese posts and chat messages.

    .venv/bin/python benchmarks/bench_rules.py [--words 2000] [--texts 2000] [--rounds 5]

Everything is generated from a fixed seed, so two runs measure the same work. Three figures matter:
compile time (paid once per rules version), the check with the author's recent texts already seen
(the steady state: an author's last messages come back on each of their next checks), and the check with
every recent text new to the process (the cold worst case, 20 texts skeletonised per check).
Checks are timed in this thread's CPU time, so other processes sharing the machine do not inflate them.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from community.rules.engine import History, check, compile_policy

SEED = 20261127

COMMON = ("的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
          "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实"
          "日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政"
          "美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
          "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件"
          "计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象"
          "完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改")

SENTENCES = (
    "各位业主大家好，本周六上午九点将在小区中心广场开展消防安全演练，请大家准时参加。",
    "3号楼2单元的电梯又坏了，已经报修两次，希望物业尽快安排维修人员上门处理。",
    "请问有没有邻居知道附近哪里可以修自行车？价格合适的话请推荐一下，谢谢！",
    "地下车库B区的灯一直不亮，晚上回家很不安全，麻烦物业看一下。",
    "业主委员会将于下月召开业主大会，讨论维修资金的使用方案，欢迎大家提出意见。",
    "最近小区里快递柜经常满，能不能再加装一组？大家觉得怎么样。",
    "今天在花园里捡到一串钥匙，上面有一个蓝色的挂件，失主请到前台领取。",
    "出售九成新婴儿车一辆，价格面议，有意者请在本帖下留言。",
    "楼道里堆放杂物存在消防隐患，请各位业主自觉清理，保持消防通道畅通。",
    "物业前台的服务态度越来越好了，点赞！希望继续保持。",
    "装修的邻居请注意施工时间，中午十二点到两点请不要打电钻。",
    "小区门口的WiFi信号太弱了，物业能不能和运营商沟通一下？",
    "周末有没有人一起组织亲子活动？可以在会所借用场地。",
    "垃圾分类的时间调整为早上七点到九点、晚上六点到八点，请大家配合。",
    "我家楼上漏水，已经影响到天花板了，联系不上楼上业主，怎么办？",
)


def make_words(rng: random.Random, count: int) -> list[dict]:
    """Mostly three- and four-character CJK words, some two-character ones, a fifth Latin."""
    words: dict[str, dict] = {}
    actions = ("block", "review", "mask")
    while len(words) < count:
        if rng.random() < 0.2:
            word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 8)))
        else:
            word = "".join(rng.choice(COMMON) for _ in range(rng.choice((2, 3, 3, 4, 4, 4))))
        clause = rng.choice(("2.1", "2.2", "3.1"))
        words.setdefault(word, {"word": word, "action": rng.choice(actions), "clause": clause})
    return list(words.values())


def evade(rng: random.Random, word: str) -> str:
    joiner = rng.choice(("", " ", ".", "\u200b", "😀", "-"))
    return joiner.join(word)


def make_text(rng: random.Random, words: list[dict], hit: bool) -> str:
    target = rng.randint(50, 500)
    parts: list[str] = []
    while sum(map(len, parts)) < target:
        parts.append(rng.choice(SENTENCES))
        if rng.random() < 0.3:
            parts.append("".join(rng.choice(COMMON) for _ in range(rng.randint(5, 30))) + "。")
    if hit:
        parts.insert(rng.randrange(len(parts) + 1), evade(rng, rng.choice(words)["word"]))
    return "".join(parts)[:target]


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def measure(compiled, cases) -> list[float]:
    timings = []
    for where, text, history in cases:
        start = time.thread_time_ns()
        check(compiled, where, text, history)
        timings.append((time.thread_time_ns() - start) / 1000)
    return sorted(timings)


def report(label: str, timings: list[float]) -> None:
    print(f"{label:<44} n={len(timings):>6}  p50 {percentile(timings, 0.5):7.1f} µs  "
          f"p99 {percentile(timings, 0.99):7.1f} µs  max {timings[-1]:8.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    rng = random.Random(SEED)
    words = make_words(rng, args.words)
    policy = {"words": words, "new_user_days": 7, "new_user_max_links": 1, "post_interval_s": 30,
              "chat_interval_s": 2, "chat_max_per_minute": 20, "auto_hide_reports": 3}

    compile_times = []
    for _ in range(5):
        start = time.thread_time()
        compiled = compile_policy(policy)
        compile_times.append((time.thread_time() - start) * 1000)
    print(f"compile {len(words)} words: median {statistics.median(compile_times):.1f} ms "
          f"(min {min(compile_times):.1f}, max {max(compile_times):.1f}), "
          f"{len(compiled.automaton.goto)} automaton states")

    texts = [make_text(rng, words, hit=rng.random() < 0.2) for _ in range(args.texts)]
    now = datetime(2026, 11, 27, 12)
    # Half the authors are new (so links are counted), all last wrote an hour ago, far below every cap.
    people = [History(now=now, joined_at=now - timedelta(days=rng.choice((2, 400))), last_at=now - timedelta(hours=1),
                      count_last_minute=0, count_today=3,
                      recent_texts=tuple(rng.sample(texts, 20))) for _ in range(50)]

    actions: dict[str, int] = {}
    for index, text in enumerate(texts):
        decision = check(compiled, "post", text, people[index % len(people)])
        actions[decision.action] = actions.get(decision.action, 0) + 1
    print("outcomes over the texts:", ", ".join(f"{k} {v}" for k, v in sorted(actions.items())))

    def cases(where, pick, histories):
        return [(where, text, histories[i % len(histories)]) for i, text in enumerate(texts) if pick(text)]

    no_history = [History(now=now, joined_at=now - timedelta(days=400), last_at=None, count_last_minute=0,
                          count_today=0, recent_texts=())]
    suites = {
        "~200 chars (180-220), no recent texts": cases("post", lambda t: 180 <= len(t) <= 220, no_history),
        "~200 chars (180-220), 20 recent texts": cases("post", lambda t: 180 <= len(t) <= 220, people),
        "all 50-500 chars, 20 recent texts": cases("post", lambda t: True, people),
        "chat, 50-500 chars, 20 recent texts": cases("chat", lambda t: len(t) <= 2000, people),
    }
    for label, suite in suites.items():
        measure(compiled, suite)
        report(label, sorted(t for _ in range(args.rounds) for t in measure(compiled, suite)))

    # Cold: every recent text is one this process has not seen, so each check skeletonises 20 of them.
    cold_pool = [make_text(rng, words, hit=False) + str(i) for i in range(args.texts * 21)]
    cold = [("post", text, History(now=now, joined_at=now - timedelta(days=400), last_at=now - timedelta(hours=1),
                                   count_last_minute=0, count_today=3,
                                   recent_texts=tuple(cold_pool[i * 20 + args.texts:(i + 1) * 20 + args.texts])))
            for i, text in enumerate(cold_pool[:args.texts])]
    report("all 50-500 chars, 20 recent texts, cold", measure(compiled, cold))


if __name__ == "__main__":
    main()
