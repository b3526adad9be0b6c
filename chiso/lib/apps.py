from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "chiso.lib"
    label = "lib"
    verbose_name = "Tiện ích dùng chung"
