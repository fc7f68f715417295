"""The SQL store adapter: SQLModel tables, the async engine and the core's Store port."""
