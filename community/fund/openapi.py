"""The fund's and common income's paths in the OpenAPI description."""

from ..api.openapi import BEFORE, LIST, _obj, _op, _path_id, _path_str

MONEY = {"type": "string", "example": "123.45"}
ROW = _obj(unit="string", amount=MONEY)
APPLICATION = _obj(id="integer", title="string", facility="string", status="string", emergency="boolean",
                   emergency_kind={"type": ["string", "null"]}, budget=MONEY, vote_id={"type": ["integer", "null"]},
                   thread_id={"type": ["integer", "null"]}, filing_ref={"type": ["string", "null"]},
                   shares={"type": "array", "items": _obj(unit="string", area="string", share=MONEY)},
                   my_shares={"type": "array", "items": _obj(unit="string", area="string", share=MONEY)},
                   events={"type": "array", "items": {"type": "object"}})
APP_ID = [_path_id("id")]
YEAR = [{"name": "year", "in": "query", "schema": {"type": "integer"}}]
PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}, "description": "PDF"}


def _pdf_op(summary: str, code: str) -> dict:
    op = _op(summary, tag="fund", errors=(404,), params=[_path_str(code)] + YEAR)
    op["responses"]["200"] = PDF
    return op


def _step(summary: str, body: dict | None = None) -> dict:
    return {"post": _op(summary, tag="fund", result=APPLICATION, errors=(400, 404, 409), params=APP_ID,
                        body=body)}


FUND_PATHS = {
    "/fund/totals": {"get": _op("The estate's balance and each building's, with the low-balance warning and "
                                "the top-up it implies", tag="fund")},
    "/fund/me": {"get": _op("The caller's own units (by the roster) and their balances", tag="fund", result=LIST)},
    "/fund/units/{code}/ledger": {"get": _op("A unit's account: the owner's own, or any for staff and committee",
                                             tag="fund", errors=(404,), params=[_path_str("code")] + BEFORE)},
    "/fund/units/{code}/statement.pdf": {"get": _pdf_op("A unit's yearly statement, with the audit chain head",
                                                        "code")},
    "/fund/buildings/{code}/statement.pdf": {"get": _pdf_op(
        "A building's yearly statement (per-unit lines for staff and committee)", "code")},
    "/fund/statement.pdf": {"get": {**_op("The estate's yearly statement, building by building, with the year's "
                                          "common income and the audit chain head", tag="fund", params=YEAR),
                                    "responses": {"200": PDF}}},
    "/fund/settings": {
        "get": _op("The estate's fund settings", tag="fund"),
        "patch": _op("Change the low-balance percentage, disclosure period or answer days (staff)", tag="fund",
                     errors=(400,), body=_obj(low_balance_percent="integer", disclosure_months="integer",
                                              request_days="integer"))},
    "/fund/opening-balances": {"post": _op(
        "Import opening balances (staff); any bad row (named `row N`) imports nothing", tag="fund", ok=201,
        errors=(400,), body=_obj(rows={"type": "array", "items": ROW}))},
    "/fund/deposits": {"post": _op("Owners' deposits, each unit its amount (staff)", tag="fund", ok=201,
                                   errors=(400,), body=_obj(items={"type": "array", "items": ROW}, memo="string"))},
    "/fund/interest": {"post": _op("Share interest by exclusive area over the estate or a building (staff)",
                                   tag="fund", ok=201, errors=(400,),
                                   body=_obj(amount=MONEY, memo="string", building="string"))},
    "/fund/batches": {"get": _op("Every posting to the ledger (staff, committee)", tag="fund", result=LIST,
                                 params=BEFORE)},
    "/fund/batches/{id}/reverse": {"post": _op("Reverse a posting: every unit restored (staff)", tag="fund", ok=201,
                                               errors=(400, 404, 409), params=APP_ID, body=_obj(reason="string"))},
    "/fund/applications": {
        "get": _op("Use applications (drafts: staff and committee)", tag="fund", result=LIST, params=BEFORE),
        "post": _op("Draft a use plan with the bearing units (by code or building); shares are computed at once",
                    tag="fund", ok=201, errors=(400,), result=APPLICATION,
                    body=_obj(title="string", facility="string", project="string", quotes="string", budget=MONEY,
                              units={"type": "array", "items": {"type": "string"}}, building="string",
                              emergency="boolean", emergency_kind={"enum": ["lift", "water", "fire", "roof",
                                                                            "basement"]}))},
    "/fund/applications/{id}": {"get": _op("A use application with every unit's share and its history",
                                           tag="fund", result=APPLICATION, errors=(404,), params=APP_ID)},
    "/fund/applications/{id}/publish": _step("Publish with a hearing thread (staff)", _obj(hearing_days="integer")),
    "/fund/applications/{id}/review": _step("The committee's review", _obj(note="string")),
    "/fund/applications/{id}/site-check": _step("Emergency: the committee's site check", _obj(note="string")),
    "/fund/applications/{id}/approve": _step(
        "Record approval: a closed, passed vote of matter 5 over exactly the bearing units; emergency: the site "
        "check", _obj(vote_id="integer")),
    "/fund/applications/{id}/file": _step("Filing with the housing authority (committee)",
                                          _obj(reference="string", date={"type": "string", "format": "date"})),
    "/fund/applications/{id}/progress": _step("A progress report with photos (attachment ids, staff)",
                                              _obj(note="string", photos={"type": "array",
                                                                          "items": {"type": "integer"}})),
    "/fund/applications/{id}/accept": _step("The committee's acceptance of the work", _obj(note="string")),
    "/fund/applications/{id}/settle": _step("Settle against invoices; charges the bearing units (staff)",
                                            _obj(amount=MONEY, invoices="string")),
    "/fund/disclosures": {"get": _op("What must be published, when it is due, whether it is overdue", tag="fund")},
    "/fund/disclosures/{topic}": {"post": _op("Publish a disclosure item (staff)", tag="fund", ok=201,
                                              errors=(400,), params=[_path_str("topic")],
                                              body=_obj(summary="string"))},
    "/fund/requests": {
        "get": _op("Owners' information and recheck requests (one's own; all for staff and committee)",
                   tag="fund", result=LIST),
        "post": _op("Ask for information or a recheck of one's unit account (owners)", tag="fund", ok=201,
                    errors=(400,), body=_obj(kind={"enum": ["information", "recheck"]}, question="string",
                                             unit="string"))},
    "/fund/requests/{id}/answer": {"post": _op("Answer a request (staff)", tag="fund", errors=(400, 404, 409),
                                               params=APP_ID, body=_obj(answer="string"))},
    "/income/summary": {"get": _op("Common income on hand and the caller's units' shares by area", tag="income")},
    "/income/contracts": {
        "get": _op("Income contracts for common parts", tag="income", result=LIST),
        "post": _op("Record a contract (staff)", tag="income", ok=201, errors=(400,),
                    body=_obj(common_part="string", payer="string", amount=MONEY, starts_on="string",
                              ends_on="string"))},
    "/income/entries": {
        "get": _op("The common-income ledger", tag="income", result=LIST, params=BEFORE),
        "post": _op("A receipt under a contract or a reasonable cost (staff)", tag="income", ok=201, errors=(400,),
                    body=_obj(kind={"enum": ["receipt", "cost"]}, contract_id="integer", amount=MONEY,
                              memo="string"))},
    "/income/entries/{id}/reverse": {"post": _op("Reverse a receipt or cost (staff)", tag="income", ok=201,
                                                 errors=(400, 404, 409), params=APP_ID, body=_obj(reason="string"))},
    "/income/transfers": {"post": _op("Transfer income into the fund, by area over every unit (staff)",
                                      tag="income", ok=201, errors=(400,), body=_obj(amount=MONEY, memo="string"))},
}
