from django.urls import path

from dangbo.cadres import views, views_political, views_titles, views_training, views_votes

app_name = "cadres"

urlpatterns = [
    path("", views.cadre_list, name="cadre_list"),
    path("nhap/", views.cadre_import, name="cadre_import"),
    path("nhap/mau.xlsx", views.cadre_import_template, name="cadre_import_template"),
    path("<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("<int:pk>/dieu-kien/", views.eligibility, name="cadre_eligibility"),
    path("quyet-dinh/moi/", views.decision_create, name="decision_create"),
    path("quy-hoach/<int:pk>/", views.planning_board, name="planning_board"),
    path("so-lieu/", views.figures, name="figures"),
    path("chuc-danh/", views_titles.title_list, name="title_list"),
    path("chuc-danh/moi/", views_titles.title_create, name="title_create"),
    path("chuc-danh/<int:pk>/", views_titles.title_detail, name="title_detail"),
    path("chuc-danh/<int:pk>/sua-doi/", views_titles.title_change, name="title_change"),
    path("chuc-danh/<int:pk>/bai-bo/", views_titles.title_abolish, name="title_abolish"),
    path("tin-nhiem/", views_votes.campaign_list, name="vote_campaign_list"),
    path("tin-nhiem/moi/", views_votes.campaign_create, name="vote_campaign_create"),
    path("tin-nhiem/<int:pk>/", views_votes.campaign_detail, name="vote_campaign_detail"),
    path("tin-nhiem/<int:pk>/don-vi/", views_votes.unit_set, name="vote_unit_set"),
    path("tin-nhiem/<int:pk>/ket-qua/", views_votes.result_record, name="vote_result_record"),
    path("tieu-chuan-chinh-tri/", views_political.case_list, name="political_case_list"),
    path("tieu-chuan-chinh-tri/moi/", views_political.case_create, name="political_case_create"),
    path("tieu-chuan-chinh-tri/so-lieu/", views_political.case_figure, name="political_case_figure"),
    path("tieu-chuan-chinh-tri/<int:pk>/", views_political.case_detail, name="political_case_detail"),
    path("dao-tao/", views_training.course_list, name="course_list"),
    path("dao-tao/moi/", views_training.course_create, name="course_create"),
    path("dao-tao/nhu-cau/", views_training.training_needs, name="training_needs"),
    path("dao-tao/<int:pk>/", views_training.course_detail, name="course_detail"),
    path("dao-tao/hoc-vien/<int:pk>/ket-qua/", views_training.enrolment_result, name="enrolment_result"),
    path("<int:pk>/dao-tao/", views_training.cadre_training, name="cadre_training"),
    path("<int:pk>/luong/", views_training.cadre_salary, name="cadre_salary"),
    path("luong/<int:pk>/huy/", views_training.salary_void, name="salary_void"),
    path("nang-luong/", views_training.raises_due, name="raises_due"),
    path("phan-cap/", views_training.delegation_list, name="delegation_list"),
    path("phan-cap/moi/", views_training.delegation_create, name="delegation_create"),
    path("<int:pk>/quan-he-gia-dinh/", views_training.cadre_relations, name="cadre_relations"),
    path("quan-he-gia-dinh/ra-soat/", views_training.kinship_check, name="kinship_check"),
]
