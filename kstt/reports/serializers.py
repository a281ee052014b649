"""What the reports API reads and writes (kstt/reports/api.py): plain serializers, no queries of their own."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kstt import api_parsers
from kstt.reports.choices import Decision, ReportStatus, ReturnReason
from kstt.reports.models import Draft, NarrativeDocument, ReportInstance, ReportVersion, Review
from kstt.reports.rules import MAX_NOTE_CHARS


def _person(user: Any) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.get_username(), "full_name": user.get_full_name()}


class PersonSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(allow_null=True)


class DocumentSerializer(serializers.ModelSerializer):
    """An uploaded narrative and what kstt.reports.documents found (signer, signing time, flags)."""

    uploaded_by = serializers.SerializerMethodField()
    verification = serializers.JSONField()

    class Meta:
        model = NarrativeDocument
        fields = ["id", "name", "size", "sha256", "uploaded_at", "uploaded_by", "verification"]

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_uploaded_by(self, document: NarrativeDocument) -> dict[str, str] | None:
        return _person(document.uploaded_by)


class ReviewSerializer(serializers.ModelSerializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=ReturnReason.choices))
    by = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["decision", "reasons", "text", "at", "by"]

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_by(self, review: Review) -> dict[str, str] | None:
        return _person(review.by)


class VersionSummarySerializer(serializers.ModelSerializer):
    review = serializers.SerializerMethodField()
    flags = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = ReportVersion
        fields = ["number", "submitted_at", "flags", "review"]

    @extend_schema_field(ReviewSerializer(allow_null=True))
    def get_review(self, version: ReportVersion) -> dict[str, Any] | None:
        review = getattr(version, "review", None)
        return ReviewSerializer(review).data if review is not None else None


class VersionSerializer(VersionSummarySerializer):
    """One immutable snapshot: what was submitted, what the checks found, and its review."""

    submitted_by = serializers.SerializerMethodField()
    values = serializers.JSONField()
    narrative = serializers.JSONField()
    reasons = serializers.JSONField()
    findings = serializers.JSONField()
    problems = serializers.JSONField()
    document = DocumentSerializer(allow_null=True)

    class Meta(VersionSummarySerializer.Meta):
        fields = [
            "number",
            "submitted_at",
            "submitted_by",
            "values",
            "narrative",
            "reasons",
            "document",
            "findings",
            "problems",
            "explanation",
            "flags",
            "review",
        ]

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_submitted_by(self, version: ReportVersion) -> dict[str, str] | None:
        return _person(version.submitted_by)


class DraftSerializer(serializers.ModelSerializer):
    values = serializers.JSONField()
    narrative = serializers.JSONField()
    reasons = serializers.JSONField()
    document = DocumentSerializer(allow_null=True)
    updated_by = serializers.SerializerMethodField()

    class Meta:
        model = Draft
        fields = ["revision", "values", "narrative", "reasons", "document", "updated_at", "updated_by"]

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_updated_by(self, draft: Draft) -> dict[str, str] | None:
        return _person(draft.updated_by)


class ReportSerializer(serializers.ModelSerializer):
    """A report instance in a list."""

    unit = serializers.CharField(source="unit.code")
    report_type = serializers.CharField(source="report_type.code")
    recipient = serializers.CharField(
        source="recipient.code", allow_null=True, help_text="Empty: sent to the Government Office, outside KSTT."
    )
    status = serializers.ChoiceField(choices=ReportStatus.choices)

    class Meta:
        model = ReportInstance
        fields = ["unit", "report_type", "period", "level", "recipient", "status", "first_submitted_at"]


class DeadlineSerializer(serializers.Serializer):
    deadline = serializers.DateTimeField(allow_null=True, help_text="The effective deadline (incidents included).")
    closing = serializers.DateTimeField(allow_null=True, help_text="The effective closing time.")
    scheduled_deadline = serializers.DateTimeField()
    scheduled_closing = serializers.DateTimeField()
    #: kstt.reports.timeliness.Status: on_time|excused|late|not_sent|not_yet_due|overdue|incident_open
    owed_status = serializers.CharField()
    days_left = serializers.IntegerField(allow_null=True)


class AccessSerializer(serializers.Serializer):
    report = serializers.BooleanField(help_text="The caller fills, saves and submits this report.")
    review = serializers.BooleanField(help_text="The caller accepts or returns its versions.")


class ReportDetailSerializer(serializers.Serializer):
    """One report: where it stands, its recipient, its deadlines, its versions; the draft for its reporters."""

    report = ReportSerializer()
    unit_name = serializers.CharField(help_text="The unit's name in the report's period.")
    recipient_name = serializers.CharField(help_text="The recipient's name in the report's period.")
    deadlines = DeadlineSerializer(allow_null=True)
    versions = VersionSummarySerializer(many=True)
    draft = DraftSerializer(allow_null=True, help_text="Only for the unit's reporters.")
    access = AccessSerializer()


class DraftInputSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=0, help_text="The draft's revision the change is based on (0 before the first save)."
    )
    values = serializers.JSONField(default=dict, help_text="{form code: {row key: {column key: value}}}")
    narrative = serializers.JSONField(default=dict, help_text="{section key: text}")
    reasons = serializers.JSONField(
        default=dict, help_text="{form code: {row key: {column key: why the computed value was changed}}}"
    )


class DocumentInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The signed narrative as a PDF; the type is read from the content.")


class SubmitInputSerializer(serializers.Serializer):
    explanation = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MAX_NOTE_CHARS,
        help_text="Optional: the unit's word to the reviewer on what the checks flag. A flagged report is "
        "submitted with or without it.",
    )


class JSONText(serializers.JSONField):
    """A JSON document sent as a text (a part of a multipart request), read as the API reads a JSON body
    (``kstt.api_parsers.decode``): too deep, not JSON, NaN, a number too large, a lone surrogate are a
    ``BodyError`` (400, its ``code``) naming the ``part``, never a 500 nor a value no database stores."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(binary=True, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if not isinstance(raw, bytes):
            self.fail("invalid")
        try:
            return api_parsers.decode(raw)
        except api_parsers.BodyError as exc:
            name = self.field_name
            raise api_parsers.BodyError(
                exc.code, f"{name}: {exc.message}", exc.reason, part=name, **exc.extra
            ) from None


class SubmissionInputSerializer(serializers.Serializer):
    """A finished report in one request (multipart): the draft's parts as JSON texts, the signed PDF, and
    what a submit takes."""

    values = JSONText(help_text="The forms, as a JSON text: {form code: {row key: {column key: value}}}.")
    narrative = JSONText(help_text="The narrative's sections, as a JSON text: {section key: text}.")
    reasons = JSONText(
        required=False,
        help_text="Optional, as a JSON text: {form code: {row key: {column key: why the computed value was changed}}}.",
    )
    revision = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="Optional: the draft's revision the report is based on (409 draft_conflict when someone saved "
        "it since). Without it the draft is replaced whatever its revision.",
    )
    explanation = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MAX_NOTE_CHARS,
        help_text="Optional: the unit's word to the reviewer on what the checks flag.",
    )
    file = serializers.FileField(help_text="The signed narrative as a PDF; the type is read from the content.")


class AcceptInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_NOTE_CHARS)


class ReturnInputSerializer(serializers.Serializer):
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=ReturnReason.choices), allow_empty=False, min_length=1
    )
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_NOTE_CHARS)


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = PersonSerializer(allow_null=True)
    event = serializers.CharField()
    data = serializers.JSONField()


class ErrorSerializer(serializers.Serializer):
    """The API's one error shape (kstt/api_schema.py's Error): ``detail``, ``code``, ``reason`` where said."""

    detail = serializers.CharField()
    code = serializers.CharField()
    reason = serializers.CharField(required=False)


class ConflictSerializer(ErrorSerializer):
    revision = serializers.IntegerField(required=False, help_text="The draft's revision now (on a draft conflict).")
    updated_by = PersonSerializer(required=False, allow_null=True)
    updated_at = serializers.DateTimeField(required=False)
    version = serializers.IntegerField(
        required=False, help_text="The version the Idempotency-Key made (code idempotency_key_reused)."
    )


class SubmitRefusedSerializer(ErrorSerializer):
    problems = serializers.JSONField(required=False)
    refused_at = serializers.DateTimeField(
        required=False, help_text="When the refused press was recorded (rules.md §4: never silent)."
    )


def person(user: Any) -> dict[str, str] | None:
    return _person(user)
