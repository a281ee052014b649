from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kstt import health
from kstt.accounts import token_views
from kstt.accounts import unit_api as units_api
from kstt.compilation import api as compilation_api
from kstt.compliance import api as compliance_api
from kstt.compliance import package_views
from kstt.dossiers import api as dossiers_api
from kstt.reports import api as reports_api
from kstt.reports import compiled_views as reports_compiled
from kstt.reports import views as report_views

#: A database that cannot be reached answers 503 "try again" (kstt.db_faults); any other error the 500 page.
handler500 = "kstt.middleware.server_error"

admin.site.site_header = admin.site.site_title = _("KSTT administration")
admin.site.index_title = _("Catalogue, users and units")


class Favicon(RedirectView):
    """/favicon.ico, which browsers ask for on pages that name no icon (the administration site, the API):
    the site's icon, its address looked up per request (hashed in production)."""

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("kstt/favicon.svg")


urlpatterns = [
    path("", report_views.home, name="home"),
    path("favicon.ico", Favicon.as_view(), name="favicon"),
    path("health/", health.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/tokens/", token_views.token_list, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", token_views.token_revoke, name="api_token_revoke"),
    path("units/", include("kstt.accounts.unit_urls")),
    path("units/", include("kstt.compilation.urls")),
    path("units/", include("kstt.reports.compiled_urls")),
    path("catalogue/", include("kstt.catalogue.urls")),
    path("incidents/", include("kstt.incidents.urls")),
    path("notifications/", include("kstt.notifications.urls")),
    path("reports/", include("kstt.reports.excel_urls")),
    path("review/", include("kstt.reports.review_urls")),
    path("compliance/", include("kstt.compliance.urls")),
    path("reports/", include("kstt.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/units/", units_api.UnitList.as_view(), name="api-units"),
    path("api/units/<str:code>/", units_api.UnitDetail.as_view(), name="api-unit"),
    path("api/dossiers/", dossiers_api.DossierPush.as_view(), name="api-dossiers"),
    path("api/form06/", compilation_api.Form06.as_view(), name="api-form06"),
    path("api/deductions/", compliance_api.Deductions.as_view(), name="api-deductions"),
    path("api/compliance/", compliance_api.Compliance.as_view(), name="api-compliance"),
    path("api/form06/cell/", compilation_api.Form06Cell.as_view(), name="api-form06-cell"),
    path("api/form06/reports/", reports_compiled.Form06Reports.as_view(), name="api-form06-reports"),
    path("api/package/", package_views.Package.as_view(), name="api-package"),
    # Reports (issue 8, point 8): kstt/reports/api.py.
    path("api/reports/", reports_api.ReportList.as_view(), name="api-reports"),
    path("api/reports/<str:unit>/<str:period>/", reports_api.ReportDetail.as_view(), name="api-report"),
    path("api/reports/<str:unit>/<str:period>/draft/", reports_api.ReportDraft.as_view(), name="api-report-draft"),
    path(
        "api/reports/<str:unit>/<str:period>/document/",
        reports_api.ReportDocument.as_view(),
        name="api-report-document",
    ),
    path("api/reports/<str:unit>/<str:period>/submit/", reports_api.ReportSubmit.as_view(), name="api-report-submit"),
    path(
        "api/reports/<str:unit>/<str:period>/submission/",
        reports_api.ReportSubmission.as_view(),
        name="api-report-submission",
    ),
    path(
        "api/reports/<str:unit>/<str:period>/versions/", reports_api.VersionList.as_view(), name="api-report-versions"
    ),
    path(
        "api/reports/<str:unit>/<str:period>/versions/<int:number>/",
        reports_api.VersionDetail.as_view(),
        name="api-report-version",
    ),
    path(
        "api/reports/<str:unit>/<str:period>/versions/<int:number>/accept/",
        reports_api.VersionAccept.as_view(),
        name="api-report-accept",
    ),
    path(
        "api/reports/<str:unit>/<str:period>/versions/<int:number>/return/",
        reports_api.VersionReturn.as_view(),
        name="api-report-return",
    ),
    path(
        "api/reports/<str:unit>/<str:period>/history/", reports_api.ReportHistory.as_view(), name="api-report-history"
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (?script): the CSP refuses inline ones.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]

# An address under /api/ that names nothing answers the API's JSON 404 (its schema says so), a page the site's.
handler404 = "kstt.api_errors.not_found"
