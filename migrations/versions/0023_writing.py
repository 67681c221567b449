"""Writing: a report names the reason its reporter gave (and may leave the clause to staff under "other"); a
rules version may carry an English text beside the Chinese, given here for version 1.

Revision ID: 0023_writing
Revises: 0016_fund
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = "0023_writing"
down_revision = "0022_timeaudit"
branch_labels = None
depends_on = None

RULES_V1_TEXT_EN = """Linli community interaction rules (version 1)

1.1 These rules are drawn up jointly by the property company and the owners' committee, with owners taking part in the discussion; a new version applies to every user of the platform once it is adopted.
1.2 Users register under their real identity, one account per person, and must not use another person's identity or home details.
2.1 Do not post anything that breaks the law, including gambling, pornography, drugs or fraud.
2.2 Do not insult, attack, discriminate against or threaten anyone.
2.3 Do not make public another person's name, phone number, ID number, door number or other personal data without their consent.
2.4 Do not spread rumours or false information; information about the estate's common affairs should say where it comes from.
3.1 Do not post commercial advertising without the property company's consent; merchants may post only on the "Marketplace and services" board.
3.2 For a set number of days after registering, new users may post only a limited number of links.
3.3 Do not post the same content repeatedly or post many times in a short while (flooding).
4.1 Users may report content or users that break these rules, citing the clause broken.
4.2 Content that breaks the rules is hidden, not deleted; the owners' committee may read every record of how it was handled.
4.3 Rule-breakers are, as the case requires, warned, muted, suspended or blacklisted; each decision states the clause, its length and the conditions for re-entry, and the person may appeal.
5.1 These rules change by publishing a new version; once it is adopted, users must accept it again before they can keep posting."""


def upgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=16), nullable=True))
        batch_op.alter_column("clause", existing_type=sa.String(length=16), nullable=True)
    with op.batch_alter_table("rules_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_en", sa.Text(), nullable=True))
    # Only the version 1 that migration 0001 wrote (its first clause unchanged), never an estate's own text.
    rules = sa.table("rules_versions", sa.column("version", sa.Integer), sa.column("text", sa.Text),
                     sa.column("text_en", sa.Text))
    op.execute(rules.update().where(rules.c.version == 1, rules.c.text.like("邻里社区交互规则（第 1 版）%"))
               .values(text_en=RULES_V1_TEXT_EN))


def downgrade():
    with op.batch_alter_table("rules_versions", schema=None) as batch_op:
        batch_op.drop_column("text_en")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.alter_column("clause", existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_column("reason")
