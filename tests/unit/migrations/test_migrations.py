"""The Alembic revisions build exactly the models' schema, and go down and up again."""
import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from forum import create_app
from forum.app import bind_migrate
from forum.extensions import db
from forum.search import pg_schema


def _diff(connection):
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_as_batch": True}
    )
    # On PostgreSQL the migrations also build the full-text search tables, which are not
    # models: they are compared with their own metadata.
    metadata = [db.metadata, pg_schema.metadata] if connection.dialect.name == "postgresql" \
        else db.metadata
    return compare_metadata(context, metadata)


def test_upgrade_matches_models_then_downgrade_and_upgrade_again(fresh_database_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "FORUM_UPLOAD_DIR": str(tmp_path / "u")})
    bind_migrate(app)
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            assert _diff(connection) == []
            tables = set(inspect(connection).get_table_names())
        assert set(db.metadata.tables) <= tables
        if db.engine.dialect.name == "postgresql":
            assert set(pg_schema.metadata.tables) <= tables

        flask_migrate.downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}

        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            assert _diff(connection) == []
        db.engine.dispose()
