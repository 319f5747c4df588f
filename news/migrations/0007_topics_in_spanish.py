from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0006_items_by_date"),
    ]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="name_es",
            field=models.CharField(
                blank=True,
                help_text="The name shown on Spanish pages. Where blank, they show the English name.",
                max_length=100,
                verbose_name="Spanish name",
            ),
        ),
        migrations.AddField(
            model_name="topic",
            name="description_es",
            field=models.TextField(
                blank=True,
                help_text="The description shown on Spanish pages. Where blank, they show the English one.",
                max_length=1000,
                verbose_name="Spanish description",
            ),
        ),
    ]
