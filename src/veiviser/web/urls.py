from django.urls import path

from veiviser.web import (
    audit_views,
    duties_views,
    letters_views,
    programmes_views,
    reconcile_views,
    statistics_views,
    views,
)

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("ungdommer/", views.worklist_view, name="worklist"),
    path("arbeidslister/", views.working_list_save_view, name="working-list-save"),
    path(
        "arbeidslister/<int:pk>/slett/",
        views.working_list_delete_view,
        name="working-list-delete",
    ),
    path("fordeling/", views.coordinator_view, name="coordinator"),
    path("ungdom/ny/", views.register_view, name="register"),
    path("ungdom/<int:pk>/", views.youth_view, name="youth"),
    path("ungdom/<int:pk>/kontaktinfo/", views.person_contact_view, name="person-contact"),
    path("ungdom/<int:pk>/foresatt/", views.guardian_add_view, name="guardian-add"),
    path("tilmelding/<int:pk>/kontakt/", views.contact_record_view, name="contact-record"),
    path("tilmelding/<int:pk>/notat/", views.note_add_view, name="note-add"),
    path("tilmelding/<int:pk>/partner/", views.partner_add_view, name="partner-add"),
    path("tilmelding/<int:pk>/samtykke/", views.consent_record_view, name="consent-record"),
    path("samtykke/<int:pk>/trekk/", views.consent_withdraw_view, name="consent-withdraw"),
    path("tilmelding/<int:pk>/plan/", views.plan_save_view, name="plan-save"),
    path("tilmelding/<int:pk>/videre/", views.carry_over_view, name="carry-over"),
    path("tilmelding/<int:pk>/status/", views.status_record_view, name="status-record"),
    path("tilmelding/<int:pk>/arsak/", views.reason_record_view, name="reason-record"),
    path("tilmelding/<int:pk>/tildel/", views.assign_view, name="assign"),
    path("tilmelding/<int:pk>/brev/", letters_views.letter_create_view, name="letter-create"),
    path("brev/<int:pk>/pdf/", letters_views.letter_download_view, name="letter-download"),
    path("ungdom/<int:pk>/brevsperre/", letters_views.letter_block_view, name="letter-block"),
    path("brev/kjoringer/", letters_views.letter_batches_view, name="letter-batches"),
    path("brev/kjoringer/<int:pk>/", letters_views.letter_batch_view, name="letter-batch"),
    path(
        "brev/kjoringer/<int:pk>/status/",
        letters_views.letter_batch_status_view,
        name="letter-batch-status",
    ),
    path("statistikk/", statistics_views.statistics_view, name="statistics"),
    path("statistikk/csv/", statistics_views.statistics_csv_view, name="statistics-csv"),
    path("statistikk/xlsx/", statistics_views.statistics_xlsx_view, name="statistics-xlsx"),
    path(
        "statistikk/ungdommer/",
        statistics_views.statistics_youths_view,
        name="statistics-youths",
    ),
    path("statistikk/avstemming/", reconcile_views.reconcile_view, name="reconcile"),
    path("plikter/", duties_views.duties_view, name="duties"),
    # Subject training and exams, preventive work, projects (web/programmes_views.py).
    path(
        "tilmelding/<int:pk>/eksamen/",
        programmes_views.exam_register_view,
        name="exam-register",
    ),
    path("eksamen/<int:pk>/resultat/", programmes_views.exam_result_view, name="exam-result"),
    path(
        "tilmelding/<int:pk>/forebygging/",
        programmes_views.prevention_open_view,
        name="prevention-open",
    ),
    path(
        "forebygging/<int:pk>/mote/",
        programmes_views.prevention_meeting_view,
        name="prevention-meeting",
    ),
    path(
        "forebygging/<int:pk>/utfall/",
        programmes_views.prevention_outcome_view,
        name="prevention-outcome",
    ),
    path(
        "statistikk/forebygging/",
        programmes_views.statistics_prevention_view,
        name="statistics-prevention",
    ),
    path("tilmelding/<int:pk>/prosjekt/", programmes_views.project_join_view, name="project-join"),
    path("eksamener/", programmes_views.exams_list_view, name="exams"),
    path("forebygging/", programmes_views.prevention_list_view, name="prevention"),
    path("prosjekter/", programmes_views.projects_view, name="projects"),
    path("prosjekter/<int:pk>/", programmes_views.project_view, name="project"),
    path(
        "prosjektdeltaker/<int:pk>/utfall/",
        programmes_views.project_outcome_view,
        name="project-outcome",
    ),
    path(
        "statistikk/prosjekter/",
        programmes_views.statistics_projects_view,
        name="statistics-projects",
    ),
    path(
        "statistikk/eksamener/",
        programmes_views.statistics_exams_view,
        name="statistics-exams",
    ),
    path("revisjon/", audit_views.audit_view, name="audit"),
]
