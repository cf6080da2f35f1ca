"""The editorial roles. Permissions are made here rather than left to post_migrate, so the groups
get theirs on the very first migrate of a new database."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = [
    "blog.add_post", "blog.change_post", "blog.view_post",
    "blog.view_author", "blog.add_tag", "blog.view_tag", "blog.view_page", "blog.view_review",
    "blog.add_previewlink", "blog.change_previewlink", "blog.view_previewlink",
]
ROLES = {
    "Writer": WRITER,
    "Editor": WRITER + [
        "blog.publish_post", "blog.delete_post",
        "blog.add_author", "blog.change_author", "blog.change_tag", "blog.delete_tag",
        "blog.add_page", "blog.change_page", "blog.delete_page", "blog.view_slugredirect",
        "blog.delete_previewlink",
    ],
    "Clinical reviewer": [
        "blog.view_post", "blog.view_author", "blog.view_tag",
        "blog.add_review", "blog.change_review", "blog.view_review",
        "blog.add_previewlink", "blog.change_previewlink", "blog.view_previewlink",
    ],
}


def make_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0003_editorial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_roles, remove_roles)]
