from django.apps import AppConfig


class TutorialConfig(AppConfig):
    name = "tutorial"
    verbose_name = "Lessons and classrooms"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from tutorial.services import keep_guest_work

        user_logged_in.connect(keep_guest_work, dispatch_uid="tutorial.keep_guest_work")
