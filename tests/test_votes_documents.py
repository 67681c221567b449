"""The printed papers: the announcement, one ballot paper per unit with its serial, and the result notice are
PDFs with the CJK font embedded and the Chinese text in them."""

import subprocess
from datetime import timedelta

from community.core.timeutil import frozen, utcnow
from community.votes import services
from tests import test_votes
from tests.test_votes_assembly import announced, choices_for
from tests.test_votes_web import log_in

owners = test_votes.owners

def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line.split() for line in fonts.splitlines() if "Noto-Sans-CJK-SC" in line]
    assert cjk and all(parts[-5] == "yes" for parts in cjk)  # embedded
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_papers_of_an_assembly(client, api, committee_member, owners, tmp_path):
    vote_id = announced(api, committee_member)
    log_in(client, committee_member)
    r = client.get(f"/votes/{vote_id}/announcement.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = text_of(r.data, tmp_path)
    assert "2027 年第一次业主大会" in text and "选举业委会委员" in text and "1-1-102" in text and "王伟" in text
    r = client.get(f"/votes/{vote_id}/ballot-papers.pdf")
    text = text_of(r.data, tmp_path)
    vote = services.get(committee_member, vote_id)
    for code in ("1-1-101", "1-1-102", "1-1-201", "2-1-101", "2-1-102", "3-1-1001"):
        assert services.serial_for(vote, code) in text
    log_in(client, owners["王伟"])
    assert client.get(f"/votes/{vote_id}/ballot-papers.pdf").status_code == 403
    with frozen(utcnow() + timedelta(days=15, minutes=1)):
        api.post(f"/votes/{vote_id}/open", user=committee_member)
        seen = test_votes.detail(api, owners["王伟"], vote_id)
        api.post(f"/votes/{vote_id}/ballots", user=owners["王伟"], json={"choices": choices_for(seen)})
        api.post(f"/votes/{vote_id}/close", user=committee_member, json={"reason": "测试提前结束"})
        r = client.get(f"/votes/{vote_id}/result.pdf")
    text = text_of(r.data, tmp_path)
    assert "测试提前结束" in text and "1-1-102" in text and seen["electorate_hash"] in text.replace("\n", "")
