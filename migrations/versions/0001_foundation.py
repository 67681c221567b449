"""Foundation: roster, accounts, audit trail, interaction rules (with version 1 adopted).

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('buildings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buildings')),
    sa.UniqueConstraint('code', name=op.f('uq_buildings_code'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('real_name', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('committee', sa.Boolean(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=True),
    sa.Column('id_last4', sa.String(length=4), nullable=True),
    sa.Column('accepted_rules_version', sa.Integer(), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('muted_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('phone', name=op.f('uq_users_phone'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_id_hash'), ['id_hash'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_entries',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)

    op.create_table('rules_versions',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('clauses', sa.JSON(), nullable=False),
    sa.Column('policy', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('adopted_at', sa.DateTime(), nullable=True),
    sa.Column('adopted_by_id', sa.Integer(), nullable=True),
    sa.Column('vote_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['adopted_by_id'], ['users.id'], name=op.f('fk_rules_versions_adopted_by_id_users')),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_rules_versions'))
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('area_centi', sa.Integer(), nullable=False),
    sa.Column('developer_held', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_units_building_id_buildings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_building_id'), ['building_id'], unique=False)

    op.create_table('owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('id_last4', sa.String(length=4), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_owners_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owners')),
    sa.UniqueConstraint('unit_id', 'id_hash', 'started_at', name='uq_owners_unit_person_start')
    )
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_owners_id_hash'), ['id_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_owners_unit_id'), ['unit_id'], unique=False)

    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('organization', sa.String(length=128), nullable=True),
    sa.Column('roster_match', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_registrations_decided_by_id_users')),
    sa.ForeignKeyConstraint(['id'], ['users.id'], name=op.f('fk_registrations_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_registrations_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations'))
    )
    op.create_table('user_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_user_units_unit_id_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_units_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_units'))
    )
    with op.batch_alter_table('user_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_units_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_units_user_id'), ['user_id'], unique=False)


    seed_rules()


def downgrade():
    with op.batch_alter_table('user_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_units_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_units_unit_id'))

    op.drop_table('user_units')
    op.drop_table('registrations')
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_owners_unit_id'))
        batch_op.drop_index(batch_op.f('ix_owners_id_hash'))

    op.drop_table('owners')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_building_id'))

    op.drop_table('units')
    op.drop_table('rules_versions')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))

    op.drop_table('audit_entries')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_id_hash'))

    op.drop_table('users')
    op.drop_table('buildings')


RULES_V1_CLAUSES = [
    {"id": "1.1", "text": "本规则由物业服务企业与业主委员会共同制定，业主参与讨论；新版本经采纳后对平台全体用户生效。"},
    {"id": "1.2", "text": "用户须以真实身份注册，一人一号，不得冒用他人身份或房屋信息。"},
    {"id": "2.1", "text": "不得发布违反法律法规的内容，包括赌博、色情、毒品、诈骗等信息。"},
    {"id": "2.2", "text": "不得辱骂、人身攻击、歧视或威胁他人。"},
    {"id": "2.3", "text": "未经本人同意，不得公开他人的姓名、电话、身份证号、门牌等个人信息。"},
    {"id": "2.4", "text": "不得散布谣言或不实信息；涉及小区公共事务的信息应注明来源。"},
    {"id": "3.1", "text": "未经物业服务企业同意不得发布商业广告；商户仅可在“二手与服务”版块发布。"},
    {"id": "3.2", "text": "新注册用户在注册后的规定天数内，发布的链接数量受限制。"},
    {"id": "3.3", "text": "不得重复发布相同内容，不得在短时间内频繁发言（刷屏）。"},
    {"id": "4.1", "text": "用户可举报违反本规则的内容或用户，举报时须注明所违反的条款。"},
    {"id": "4.2", "text": "违规内容将被隐藏而非删除；全部处理记录由业主委员会监督查阅。"},
    {"id": "4.3", "text": "违规者视情节给予警告、禁言、暂停使用或列入黑名单，处理须注明条款、期限及恢复条件，当事人可申诉。"},
    {"id": "5.1", "text": "本规则的修改以新版本发布；新版本采纳后，用户须重新确认方可继续发言。"},
]

RULES_V1_TEXT = "邻里社区交互规则（第 1 版）\n\n" + "\n".join(f"{c['id']} {c['text']}" for c in RULES_V1_CLAUSES)

RULES_V1_POLICY = {
    "words": [
        {"word": "赌博网站", "action": "block", "clause": "2.1"},
        {"word": "代开发票", "action": "block", "clause": "3.1"},
        {"word": "网络兼职刷单", "action": "block", "clause": "2.1"},
        {"word": "傻逼", "action": "mask", "clause": "2.2"},
        {"word": "王八蛋", "action": "mask", "clause": "2.2"},
        {"word": "低息贷款", "action": "review", "clause": "3.1"},
        {"word": "加微信", "action": "review", "clause": "3.1"},
    ],
    "new_user_days": 7,
    "new_user_max_links": 1,
    "post_interval_s": 30,
    "chat_interval_s": 2,
    "chat_max_per_minute": 20,
    "auto_hide_reports": 3,
}


def seed_rules():
    rules = sa.table("rules_versions", sa.column("version", sa.Integer), sa.column("text", sa.Text),
                     sa.column("clauses", sa.JSON), sa.column("policy", sa.JSON), sa.column("status", sa.String),
                     sa.column("created_at", sa.DateTime), sa.column("adopted_at", sa.DateTime))
    now = datetime(2026, 11, 27)
    op.bulk_insert(rules, [{"version": 1, "text": RULES_V1_TEXT, "clauses": RULES_V1_CLAUSES,
                            "policy": RULES_V1_POLICY, "status": "adopted", "created_at": now, "adopted_at": now}])
