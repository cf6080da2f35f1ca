from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff sign-in: the lockout after repeated failures, the second step for those who can open
    what people send us, and the staff sessions that alone turn the page cache off."""

    name = "staff"
    verbose_name = "Staff sign-in"

    def ready(self):
        from staff import sessions  # noqa: F401 - marks staff sessions at sign-in
