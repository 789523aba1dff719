from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "dangbo.search"
    verbose_name = "Tìm kiếm"

    def ready(self) -> None:
        # In ready(), not at the top: an AppConfig module is imported before the models are loaded.
        from dangbo.members.selectors import register_derived_check
        from dangbo.search.models import search_terms_issues

        register_derived_check("search_terms_missing", "Chỉ mục tìm kiếm thiếu thông tin", search_terms_issues)
