from django import forms

from partnerships.models import Brand, Product


class BrandOwnedForm(forms.ModelForm):
    """A form for a row of one brand: the brand is fixed by the page, not posted, and still
    takes part in the model's validation (unique per brand)."""

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["brand"]
        field.disabled = True
        field.widget = forms.HiddenInput()
        field.queryset = Brand.objects.filter(pk=brand.pk)
        self.initial["brand"] = brand.pk


class ProductForm(BrandOwnedForm):
    class Meta:
        model = Product
        fields = [
            "brand",
            "sku",
            "name",
            "category",
            "currency",
            "retail_price",
            "distributor_price",
            "unit_cost",
        ]


class ProductFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", help_text="SKU, name or category")
    category = forms.ChoiceField(
        required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, categories: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories")] + [(c, c) for c in categories]
