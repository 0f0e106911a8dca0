"""initial tables: areas, editions, margins, sample units, answers, paradata, identity

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('area',
    sa.Column('wijk_code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('wijk', sa.String(length=100), nullable=False),
    sa.Column('gebied', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('wijk_code'),
    sa.UniqueConstraint('wijk')
    )
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_gebied'), ['gebied'], unique=False)

    op.create_table('edition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('fieldwork_start', sa.Date(), nullable=True),
    sa.Column('fieldwork_end', sa.Date(), nullable=True),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year')
    )
    op.create_table('identity_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register_id', sa.String(length=20), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('street', sa.String(length=100), nullable=False),
    sa.Column('house_number', sa.String(length=10), nullable=False),
    sa.Column('postcode', sa.String(length=7), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('wijk_code', sa.Integer(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=10), nullable=False),
    sa.Column('migration_background', sa.String(length=20), nullable=False),
    sa.Column('household_type', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['wijk_code'], ['area.wijk_code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('register_id')
    )
    with op.batch_alter_table('identity_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_person_wijk_code'), ['wijk_code'], unique=False)

    op.create_table('population_margin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('wijk_code', sa.Integer(), nullable=False),
    sa.Column('variable', sa.String(length=50), nullable=False),
    sa.Column('category', sa.String(length=50), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wijk_code'], ['area.wijk_code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition_id', 'wijk_code', 'variable', 'category')
    )
    op.create_table('sample_unit',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('wijk_code', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.String(length=50), nullable=False),
    sa.Column('wave', sa.Integer(), nullable=False),
    sa.Column('inclusion_probability', sa.Float(), nullable=False),
    sa.Column('design_weight', sa.Float(), nullable=False),
    sa.Column('stratum_population', sa.Integer(), nullable=False),
    sa.Column('age_group', sa.String(length=20), nullable=False),
    sa.Column('sex', sa.String(length=10), nullable=False),
    sa.Column('migration_background', sa.String(length=20), nullable=False),
    sa.Column('household_type', sa.String(length=30), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('disposition', sa.String(length=10), nullable=True),
    sa.Column('mode', sa.String(length=10), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wijk_code'], ['area.wijk_code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    with op.batch_alter_table('sample_unit', schema=None) as batch_op:
        batch_op.create_index('ix_sample_unit_edition_wijk', ['edition_id', 'wijk_code'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_unit_id', sa.String(length=32), nullable=False),
    sa.Column('variable', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('page_id', sa.String(length=64), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sample_unit_id'], ['sample_unit.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sample_unit_id', 'variable')
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_sample_unit_id'), ['sample_unit_id'], unique=False)

    op.create_table('identity_link',
    sa.Column('sample_unit_id', sa.String(length=32), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('access_code', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['identity_person.id'], ),
    sa.ForeignKeyConstraint(['sample_unit_id'], ['sample_unit.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sample_unit_id'),
    sa.UniqueConstraint('access_code')
    )
    with op.batch_alter_table('identity_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_link_person_id'), ['person_id'], unique=False)

    op.create_table('page_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_unit_id', sa.String(length=32), nullable=False),
    sa.Column('page_id', sa.String(length=64), nullable=False),
    sa.Column('first_shown_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('language', sa.String(length=10), nullable=True),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('device_class', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['sample_unit_id'], ['sample_unit.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sample_unit_id', 'page_id')
    )


def downgrade():
    op.drop_table('page_visit')
    with op.batch_alter_table('identity_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_link_person_id'))

    op.drop_table('identity_link')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_sample_unit_id'))

    op.drop_table('answer')
    with op.batch_alter_table('sample_unit', schema=None) as batch_op:
        batch_op.drop_index('ix_sample_unit_edition_wijk')

    op.drop_table('sample_unit')
    op.drop_table('population_margin')
    with op.batch_alter_table('identity_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_person_wijk_code'))

    op.drop_table('identity_person')
    op.drop_table('edition')
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_gebied'))

    op.drop_table('area')
