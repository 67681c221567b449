"""Owners' votes: votes, their frozen electorates, running totals, sealed receipts and paper ballots.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('matter', sa.Integer(), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('persons_total', sa.Integer(), nullable=True),
    sa.Column('area_total_centi', sa.BigInteger(), nullable=True),
    sa.Column('electorate_hash', sa.String(length=64), nullable=True),
    sa.Column('persons_participating', sa.Integer(), nullable=False),
    sa.Column('area_participating_centi', sa.BigInteger(), nullable=False),
    sa.Column('yes_persons', sa.Integer(), nullable=True),
    sa.Column('yes_area_centi', sa.BigInteger(), nullable=True),
    sa.Column('no_persons', sa.Integer(), nullable=True),
    sa.Column('no_area_centi', sa.BigInteger(), nullable=True),
    sa.Column('abstain_persons', sa.Integer(), nullable=True),
    sa.Column('abstain_area_centi', sa.BigInteger(), nullable=True),
    sa.Column('participation_met', sa.Boolean(), nullable=True),
    sa.Column('approval_met', sa.Boolean(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_votes_closed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_votes_created_by_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_votes_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_status'), ['status'], unique=False)

    op.create_table('vote_counts',
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('yes_persons', sa.Integer(), nullable=False),
    sa.Column('yes_area_centi', sa.BigInteger(), nullable=False),
    sa.Column('no_persons', sa.Integer(), nullable=False),
    sa.Column('no_area_centi', sa.BigInteger(), nullable=False),
    sa.Column('abstain_persons', sa.Integer(), nullable=False),
    sa.Column('abstain_area_centi', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_counts_vote_id_votes')),
    sa.PrimaryKeyConstraint('vote_id', name=op.f('pk_vote_counts'))
    )
    op.create_table('vote_receipts',
    sa.Column('receipt_id', sa.String(length=64), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('seal', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_receipts_vote_id_votes')),
    sa.PrimaryKeyConstraint('receipt_id', name=op.f('pk_vote_receipts')),
    sqlite_with_rowid=False  # stored in receipt-hash order: no insertion order to correlate with voters
    )
    with op.batch_alter_table('vote_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_receipts_vote_id'), ['vote_id'], unique=False)

    op.create_table('vote_voters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('area_centi', sa.BigInteger(), nullable=False),
    sa.Column('voted', sa.Boolean(), nullable=False),
    sa.Column('voted_at', sa.DateTime(), nullable=True),
    sa.Column('channel', sa.String(length=8), nullable=True),
    sa.Column('cast_by_id', sa.Integer(), nullable=True),
    sa.Column('choice', sa.String(length=8), nullable=True),
    sa.ForeignKeyConstraint(['cast_by_id'], ['users.id'], name=op.f('fk_vote_voters_cast_by_id_users')),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_voters_vote_id_votes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_voters')),
    sa.UniqueConstraint('vote_id', 'position', name='uq_vote_voters_vote_position')
    )
    with op.batch_alter_table('vote_voters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_voters_vote_id'), ['vote_id'], unique=False)

    op.create_table('vote_paper_ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('evidence', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('choice', sa.String(length=8), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_vote_paper_ballots_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_vote_paper_ballots_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_paper_ballots_vote_id_votes')),
    sa.ForeignKeyConstraint(['voter_id'], ['vote_voters.id'], name=op.f('fk_vote_paper_ballots_voter_id_vote_voters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_paper_ballots'))
    )
    with op.batch_alter_table('vote_paper_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_paper_ballots_vote_id'), ['vote_id'], unique=False)

    op.create_table('vote_voter_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('area_centi', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_vote_voter_units_unit_id_units')),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_voter_units_vote_id_votes')),
    sa.ForeignKeyConstraint(['voter_id'], ['vote_voters.id'], name=op.f('fk_vote_voter_units_voter_id_vote_voters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_voter_units')),
    sa.UniqueConstraint('vote_id', 'unit_id', name='uq_vote_voter_units_vote_unit')
    )
    with op.batch_alter_table('vote_voter_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_voter_units_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_voter_units_voter_id'), ['voter_id'], unique=False)



def downgrade():
    with op.batch_alter_table('vote_voter_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_voter_units_voter_id'))
        batch_op.drop_index(batch_op.f('ix_vote_voter_units_unit_id'))

    op.drop_table('vote_voter_units')
    with op.batch_alter_table('vote_paper_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_paper_ballots_vote_id'))

    op.drop_table('vote_paper_ballots')
    with op.batch_alter_table('vote_voters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_voters_vote_id'))

    op.drop_table('vote_voters')
    with op.batch_alter_table('vote_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_receipts_vote_id'))

    op.drop_table('vote_receipts')
    op.drop_table('vote_counts')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_status'))

    op.drop_table('votes')
