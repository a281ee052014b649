"""The forms of the ledger's pages: a unit's appeal (a reason and files) and the office's decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kstt.compliance import services
from kstt.compliance.choices import ATTACHMENT_KINDS_TEXT, DECISIONS
from kstt.unicode_text import is_blank


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the deduction is wrong"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    attachments = MultipleFileField(label=_("Evidence (files)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = gettext(
            "Up to %(count)s files of at most %(size)s MB each: %(kinds)s."
        ) % {
            "count": services.MAX_ATTACHMENTS,
            "size": services.MAX_ATTACHMENT_BYTES // (1024 * 1024),
            "kinds": ATTACHMENT_KINDS_TEXT,
        }

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if is_blank(reason):
            raise forms.ValidationError(_("Give the reason."))
        return reason

    def clean_attachments(self) -> list[services.AttachmentFile]:
        uploads: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if len(uploads) > services.MAX_ATTACHMENTS:  # before reading any of them
            raise forms.ValidationError(services.AppealError("too_many_files", count=services.MAX_ATTACHMENTS).message)
        files = []
        for upload in uploads:  # one byte past the limit is enough to say the file is too large
            upload.seek(0)
            content = upload.read(services.MAX_ATTACHMENT_BYTES + 1)
            files.append(services.AttachmentFile(name=upload.name or "", content=content))
        problems = services.check_attachments(files)
        if problems:
            raise forms.ValidationError([problem.message for problem in problems])
        return files


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(d.value, d.label) for d in DECISIONS],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if is_blank(reason):
            raise forms.ValidationError(_("Give the reason."))
        return reason
