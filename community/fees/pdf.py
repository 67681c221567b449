"""Printed documents of the fees: the receipt, and the reminder letter or formal demand with its bills."""

from flask import render_template


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # slow to import; only the print routes need it
    return HTML(string=html).write_pdf()


def receipt_pdf(data: dict) -> bytes:
    return _pdf(render_template("fees/receipt_print.html", r=data))


def letter_pdf(statement: dict, step: str, deadline: str | None, demand_days: int) -> bytes:
    return _pdf(render_template("fees/letter_print.html", s=statement, step=step, deadline=deadline,
                                demand_days=demand_days))
