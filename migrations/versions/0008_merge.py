"""Join the moderation, votes and desk branches into one head.

Revision ID: 0008
Revises: 0005, 0006, 0007
Create Date: 2026-11-27
"""

revision = "0008"
down_revision = ("0005", "0006", "0007")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
