"""Chat: messages, read markers per room, front-desk conversations, live connections.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chat_connections',
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('connected_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_chat_connections_user_id_users')),
    sa.PrimaryKeyConstraint('sid', name=op.f('pk_chat_connections'))
    )
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_connections_user_id'), ['user_id'], unique=False)

    op.create_table('desk_conversations',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('waiting_since', sa.DateTime(), nullable=True),
    sa.Column('last_message_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_desk_conversations_closed_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_desk_conversations_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_desk_conversations'))
    )
    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room', sa.String(length=32), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_messages_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('author_id', 'client_id', name='uq_messages_author_client')
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_messages_room_id', ['room', 'id'], unique=False)

    op.create_table('room_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('room', sa.String(length=32), nullable=False),
    sa.Column('last_read_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_room_reads_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_reads')),
    sa.UniqueConstraint('user_id', 'room', name='uq_room_reads_user_room')
    )


def downgrade():
    op.drop_table('room_reads')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_room_id')
        batch_op.drop_index(batch_op.f('ix_messages_author_id'))

    op.drop_table('messages')
    op.drop_table('desk_conversations')
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_connections_user_id'))

    op.drop_table('chat_connections')
