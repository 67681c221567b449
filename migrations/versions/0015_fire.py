"""Fire safety: the facility register with its history and alerts, inspection routes, plans, rounds and tasks,
defects, hazard reports with their steps, the control room's staff and shifts, drills with sign-ups.

Revision ID: 0015_fire
Revises: 0014_fees
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_fire'
down_revision = "0014_fees"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('fire_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('certificate_no', sa.String(length=32), nullable=True),
    sa.Column('certificate_expires_on', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_staff'))
    )
    op.create_table('fire_drills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('checkin_code', sa.String(length=24), nullable=False),
    sa.Column('report', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_fire_drills_building_id_buildings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_drills')),
    sa.UniqueConstraint('checkin_code', name=op.f('uq_fire_drills_checkin_code'))
    )
    op.create_table('fire_facilities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('floor', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('location', sa.String(length=120), nullable=False),
    sa.Column('model', sa.String(length=32), nullable=True),
    sa.Column('capacity', sa.String(length=16), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('service_due_on', sa.Date(), nullable=True),
    sa.Column('condition', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_fire_facilities_building_id_buildings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_facilities')),
    sa.UniqueConstraint('code', name=op.f('uq_fire_facilities_code'))
    )
    with op.batch_alter_table('fire_facilities', schema=None) as batch_op:
        batch_op.create_index('ix_fire_facilities_building_floor', ['building_id', 'floor'], unique=False)

    op.create_table('fire_routes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_fire_routes_building_id_buildings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_routes'))
    )
    op.create_table('fire_shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot', sa.String(length=8), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['fire_staff.id'], name=op.f('fk_fire_shifts_staff_id_fire_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_shifts')),
    sa.UniqueConstraint('day', 'slot', 'staff_id', name='uq_fire_shifts_day_slot_staff')
    )
    with op.batch_alter_table('fire_shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fire_shifts_day'), ['day'], unique=False)

    op.create_table('fire_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['fire_facilities.id'], name=op.f('fk_fire_alerts_facility_id_fire_facilities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_alerts')),
    sa.UniqueConstraint('facility_id', 'kind', 'due_on', name='uq_fire_alerts_facility_kind_due')
    )
    op.create_table('fire_drill_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('attended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['drill_id'], ['fire_drills.id'], name=op.f('fk_fire_drill_signups_drill_id_fire_drills')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_fire_drill_signups_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_drill_signups')),
    sa.UniqueConstraint('drill_id', 'user_id', name='uq_fire_drill_signups_drill_user')
    )
    with op.batch_alter_table('fire_drill_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fire_drill_signups_user_id'), ['user_id'], unique=False)

    op.create_table('fire_facility_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_fire_facility_events_actor_id_users')),
    sa.ForeignKeyConstraint(['facility_id'], ['fire_facilities.id'], name=op.f('fk_fire_facility_events_facility_id_fire_facilities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_facility_events'))
    )
    with op.batch_alter_table('fire_facility_events', schema=None) as batch_op:
        batch_op.create_index('ix_fire_facility_events_facility_id_id', ['facility_id', 'id'], unique=False)

    op.create_table('fire_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['route_id'], ['fire_routes.id'], name=op.f('fk_fire_plans_route_id_fire_routes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_plans'))
    )
    with op.batch_alter_table('fire_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fire_plans_route_id'), ['route_id'], unique=False)

    op.create_table('fire_route_stops',
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['fire_facilities.id'], name=op.f('fk_fire_route_stops_facility_id_fire_facilities')),
    sa.ForeignKeyConstraint(['route_id'], ['fire_routes.id'], name=op.f('fk_fire_route_stops_route_id_fire_routes')),
    sa.PrimaryKeyConstraint('route_id', 'facility_id', name=op.f('pk_fire_route_stops'))
    )
    op.create_table('fire_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=12), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['fire_plans.id'], name=op.f('fk_fire_rounds_plan_id_fire_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_rounds')),
    sa.UniqueConstraint('plan_id', 'period', name='uq_fire_rounds_plan_period')
    )
    with op.batch_alter_table('fire_rounds', schema=None) as batch_op:
        batch_op.create_index('ix_fire_rounds_status_due_at', ['status', 'due_at'], unique=False)

    op.create_table('fire_hazards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('spot', sa.String(length=120), nullable=False),
    sa.Column('spot_key', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('earlier', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_fire_hazards_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_fire_hazards_building_id_buildings')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_fire_hazards_reporter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_hazards'))
    )
    with op.batch_alter_table('fire_hazards', schema=None) as batch_op:
        batch_op.create_index('ix_fire_hazards_building_spot', ['building_id', 'spot_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_fire_hazards_reporter_id'), ['reporter_id'], unique=False)

    op.create_table('fire_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('checker_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['checker_id'], ['users.id'], name=op.f('fk_fire_tasks_checker_id_users')),
    sa.ForeignKeyConstraint(['facility_id'], ['fire_facilities.id'], name=op.f('fk_fire_tasks_facility_id_fire_facilities')),
    sa.ForeignKeyConstraint(['round_id'], ['fire_rounds.id'], name=op.f('fk_fire_tasks_round_id_fire_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_tasks')),
    sa.UniqueConstraint('round_id', 'facility_id', name='uq_fire_tasks_round_facility')
    )
    with op.batch_alter_table('fire_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_fire_tasks_facility_id', ['facility_id'], unique=False)

    op.create_table('fire_defects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('ticket_claimed_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('repaired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_fire_defects_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['facility_id'], ['fire_facilities.id'], name=op.f('fk_fire_defects_facility_id_fire_facilities')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_fire_defects_reporter_id_users')),
    sa.ForeignKeyConstraint(['task_id'], ['fire_tasks.id'], name=op.f('fk_fire_defects_task_id_fire_tasks')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_fire_defects_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_defects')),
    sa.UniqueConstraint('task_id', name=op.f('uq_fire_defects_task_id')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_fire_defects_ticket_id'))
    )
    with op.batch_alter_table('fire_defects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fire_defects_facility_id'), ['facility_id'], unique=False)

    op.create_table('fire_hazard_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=24), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_fire_hazard_steps_actor_id_users')),
    sa.ForeignKeyConstraint(['hazard_id'], ['fire_hazards.id'], name=op.f('fk_fire_hazard_steps_hazard_id_fire_hazards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_hazard_steps'))
    )
    with op.batch_alter_table('fire_hazard_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fire_hazard_steps_hazard_id'), ['hazard_id'], unique=False)



def downgrade():
    with op.batch_alter_table('fire_hazard_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fire_hazard_steps_hazard_id'))

    op.drop_table('fire_hazard_steps')
    with op.batch_alter_table('fire_defects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fire_defects_facility_id'))

    op.drop_table('fire_defects')
    with op.batch_alter_table('fire_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_fire_tasks_facility_id')

    op.drop_table('fire_tasks')
    with op.batch_alter_table('fire_hazards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fire_hazards_reporter_id'))
        batch_op.drop_index('ix_fire_hazards_building_spot')

    op.drop_table('fire_hazards')
    with op.batch_alter_table('fire_rounds', schema=None) as batch_op:
        batch_op.drop_index('ix_fire_rounds_status_due_at')

    op.drop_table('fire_rounds')
    op.drop_table('fire_route_stops')
    with op.batch_alter_table('fire_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fire_plans_route_id'))

    op.drop_table('fire_plans')
    with op.batch_alter_table('fire_facility_events', schema=None) as batch_op:
        batch_op.drop_index('ix_fire_facility_events_facility_id_id')

    op.drop_table('fire_facility_events')
    with op.batch_alter_table('fire_drill_signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fire_drill_signups_user_id'))

    op.drop_table('fire_drill_signups')
    op.drop_table('fire_alerts')
    with op.batch_alter_table('fire_shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fire_shifts_day'))

    op.drop_table('fire_shifts')
    op.drop_table('fire_routes')
    with op.batch_alter_table('fire_facilities', schema=None) as batch_op:
        batch_op.drop_index('ix_fire_facilities_building_floor')

    op.drop_table('fire_facilities')
    op.drop_table('fire_drills')
    op.drop_table('fire_staff')
