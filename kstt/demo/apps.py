from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kstt.demo"
    label = "demo"
    verbose_name = "Demo province"
