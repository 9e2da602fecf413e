from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"

    def ready(self) -> None:
        from django.db import models
        from rest_framework import serializers

        # audit, languages and second_factor: their signal receivers; text_search: icontains
        # for every alphabet
        from partnerships import audit, inputs, languages, second_factor, text_search  # noqa: F401

        # Every API serializer built from a model reads its dates through the same checks.
        mapping = serializers.ModelSerializer.serializer_field_mapping
        mapping[models.DateTimeField] = inputs.MomentField
        mapping[models.DateField] = inputs.DayField
