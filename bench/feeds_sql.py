"""The raw runs' query (`bench/feeds.py`): the export's document for the bench's data, one row per item."""

# --- raw: the export's document ------------------------------------------------------------------------------
#
# What the bench's data holds, and so what the raw runs leave out (each would be a few more SQL expressions):
# only synthetic products (catalog/demo/synthetic.py): live, one brand, one category, one image (the shared
# placeholder, main role, no focal point), attributes and options of plain strings or whole numbers (a pan's
# diameter, written "24 cm" as its size), three active variants with a GTIN-13, an MPN and a weight; listings
# published without a window, with `{"condition": "new"}` and no text overrides; variant listings in USD with a
# price and nothing else. Hence, left out:
# - translations (the channel's locale has none; the resolver would take a translation's texts first);
# - channel image subsets (channels_productlistingimage): the product's own images are used;
# - sale prices and their dates (no variant listing has a sale price), availability dates (no preorder or
#   backorder), identifier_exists / GTIN exemptions (every variant has a GTIN), adult, is_bundle, custom labels,
#   gender, age_group, pattern, size_system (no listing or product has them);
# - the serializers' cuts (title 150, description 5000/9999/2000, brand 70/100 …): every bench text is short;
# - HTML entities and block structure of rich text: a description is one `<p>` with a `<code>` inside, so
#   stripping the tags is its plain text (PostgreSQL: regexp_replace; SQLite, without regular expressions:
#   replace() of those four tags);
# - percent-encoding of SKUs in links and of commas in image URLs (the bench's have none), and non-string
#   attribute values (str(True) is "True" in Python, 1 from SQLite's json_extract);
# - prices are written with two decimals: USD's minor unit (the channel's currency in the bench).


def same_sql(fmt: str, postgresql: bool) -> tuple[str, list[str]]:
    """The raw run's query for `fmt` and its column names: one row per item, in the export's order, with each
    value ready to write (Google: the elements in order, empty ones left out; Meta: the CSV's columns).

    What the items of a product share is computed once per product, in the `products` CTE (the export's
    serializers do that work once per product too, `PerProduct`), and what is the variant's per row. Named
    parameters: channel, currency, now, spec, media (the rendition URL prefix), link_head / link_mid /
    link_tail (the product URL template around {slug} and {sku})."""
    shared: dict[str, str] = {}  # the products CTE's columns

    def per_product(name: str, expression: str) -> str:
        shared[name] = expression
        return f"pp.{name}"

    def json_text(column: str, key: str) -> str:
        return f"({column} ->> '{key}')" if postgresql else f"json_extract({column}, '$.{key}')"

    def channel_attribute(key: str) -> str:
        # channel_attributes[key]: the listing's value, else the product's attribute (a channel attribute key)
        return f"COALESCE(NULLIF({json_text('pl.attributes', key)}, ''), NULLIF({json_text('p.attributes', key)}, ''))"

    def dynamic_json_text(column: str, key: str) -> str:  # `key` an SQL expression
        return f"({column} ->> {key})" if postgresql else f"json_extract({column}, '$.' || {key})"

    def with_unit(value: str, unit: str) -> str:
        return f"CASE WHEN {unit} <> '' THEN {value} || ' ' || {unit} ELSE {value} END"

    def option(key: str) -> str:
        # option_sources + option_text: the listing's channel attribute, else the variant's option, else the
        # product's attribute; option and attribute are the product type's attribute holding the fact (the
        # `held_by` join: the attribute named `key`, else the first marked as standing for it) with its unit.
        fixed = per_product(f"fixed_{key}", f"NULLIF({json_text('pl.attributes', key)}, '')")
        held_code, held_unit = f"COALESCE(held_by.{key}_code, '{key}')", f"COALESCE(held_by.{key}_unit, '')"
        code = per_product(f"code_{key}", held_code)
        unit = per_product(f"unit_{key}", held_unit)
        own = f"NULLIF({json_text('p.attributes', key)}, '')"
        held = f"NULLIF({dynamic_json_text('p.attributes', held_code)}, '')"
        fallback = per_product(
            f"fallback_{key}",
            f"CASE WHEN {held_code} = '{key}' THEN {with_unit(own, held_unit)} "
            f"ELSE COALESCE({own}, {with_unit(held, held_unit)}) END",
        )
        variant_value = with_unit(f"NULLIF({dynamic_json_text('v.options', code)}, '')", unit)
        return f"COALESCE({fixed}, {variant_value}, {fallback}, '')"

    def plain(html: str) -> str:
        if postgresql:
            return f"btrim(regexp_replace({html}, '<[^>]*>', '', 'g'))"
        for tag in ("<p>", "</p>", "<code>", "</code>"):
            html = f"replace({html}, '{tag}', '')"
        return f"trim({html})"

    def aggregate(value: str, separator: str, order: str) -> str:
        """`value` of a group's rows joined by `separator` in `order`. SQLite (3.40) takes no ORDER BY inside an
        aggregate: its input comes from a subquery sorted that way, which it aggregates in that order."""
        if postgresql:
            return f"string_agg({value}, '{separator}' ORDER BY {order})"
        return f"group_concat({value}, '{separator}')"

    title = per_product("title", "TRIM(COALESCE(NULLIF(pl.title, ''), p.title))")
    summary = "TRIM(COALESCE(NULLIF(pl.summary, ''), p.summary))"
    description = "COALESCE(NULLIF(pl.description, ''), p.description)"
    brand = per_product("brand", "COALESCE(b.name, '')")
    main_image = per_product("main_image", "COALESCE(images.main, '')")
    more_images = per_product("more_images", "COALESCE(images.more, '')")
    stock = "COALESCE(s.quantity, 0)"
    link = "%(link_head)s || pp.slug || %(link_mid)s || v.sku || %(link_tail)s"
    if postgresql:
        price = "round(vl.price, 2)::text || ' ' || %(currency)s"
        weight = "COALESCE(trim_scale(v.weight)::text || ' ' || v.weight_unit, '')"
    else:
        price = "printf('%%.2f', vl.price) || ' ' || %(currency)s"
        weight = "COALESCE(CAST(v.weight AS TEXT) || ' ' || v.weight_unit, '')"

    if fmt in ("google-xml", "meta-csv"):
        # The description, else the summary, as plain text
        text = per_product("description", f"CASE WHEN {description} <> '' THEN {plain(description)} ELSE {summary} END")
        item_group_id = per_product("item_group_id", "CASE WHEN variants.active > 1 THEN 'P' || p.id ELSE '' END")
        product_type = per_product("product_type", "COALESCE(crumbs.trail, '')")
        category = per_product("channel_category", "pl.channel_category")
        condition = per_product("condition", f"COALESCE({channel_attribute('condition')}, 'new')")
    if fmt == "google-xml":
        # The item's elements in the serializer's order (its product fields, then its variant's); empty ones
        # are not written.
        columns = dict(
            title=title,
            description=text,
            image_link=main_image,
            additional_image_link=more_images,  # the next 10, space-separated
            condition=condition,
            brand=brand,
            item_group_id=item_group_id,
            google_product_category=category,
            product_type=product_type,
            id="v.sku",
            link=link,
            availability=(
                f"CASE WHEN vl.availability <> '' THEN vl.availability WHEN {stock} > 0 THEN 'in_stock' "
                "ELSE 'out_of_stock' END"
            ),
            price=price,
            gtin="v.gtin",
            mpn="v.mpn",
            shipping_weight=weight,
            color=option("color"),
            size=option("size"),
            material=option("material"),
        )
    elif fmt == "meta-csv":
        # Every column of the serializer's, in order; '' for those the bench's data leaves empty.
        columns = dict(
            id="v.sku",
            title=title,
            description=text,
            availability=(
                "CASE WHEN vl.availability = 'backorder' THEN 'available for order' "
                "WHEN vl.availability <> '' THEN replace(vl.availability, '_', ' ') "
                f"WHEN {stock} > 0 THEN 'in stock' ELSE 'out of stock' END"
            ),
            condition=condition,
            price=price,
            link=link,
            image_link=main_image,
            brand=brand,
            additional_image_link=more_images,  # the next 20, comma-separated (the 2,000-character cap never bites)
            sale_price="''",
            sale_price_effective_date="''",
            item_group_id=item_group_id,
            google_product_category=category,
            product_type=product_type,
            gtin="v.gtin",
            mpn="v.mpn",
            gender="''",
            age_group="''",
            color=option("color"),
            size=option("size"),
            material=option("material"),
            pattern="''",
            shipping_weight=weight,
            quantity_to_sell_on_facebook=f"CASE WHEN {stock} > 0 THEN CAST({stock} AS TEXT) ELSE '' END",
            status=per_product("status", f"COALESCE({channel_attribute('status')}, 'active')"),
            **{f"custom_label_{n}": "''" for n in range(5)},
        )
    else:
        columns = dict(
            sku="v.sku",
            product_type=per_product(
                "product_type", "COALESCE(NULLIF(UPPER(TRIM(pl.channel_category)), ''), 'PRODUCT')"
            ),
            item_name=title,
            brand=per_product("brand", "b.name"),
            product_description=per_product("description", plain(description)),
            bullet_point=per_product("bullet_point", summary),
            condition_type=per_product(
                "condition_type",
                f"CASE {channel_attribute('condition')} WHEN 'refurbished' THEN 'refurbished_refurbished' "
                "WHEN 'used' THEN 'used_good' ELSE 'new_new' END",
            ),
            main_image=main_image,
            other_images=more_images,  # the next 8, space-separated
            gtin="v.gtin",
            gtin_type="CASE length(v.gtin) WHEN 8 THEN 'ean' WHEN 12 THEN 'upc' WHEN 13 THEN 'ean' ELSE 'gtin' END",
            mpn="v.mpn",
            color=option("color"),
            size=option("size"),
            material=option("material"),
            weight="v.weight::float8" if postgresql else "CAST(v.weight AS REAL)",
            weight_unit=(
                "CASE v.weight_unit WHEN 'g' THEN 'grams' WHEN 'kg' THEN 'kilograms' WHEN 'lb' THEN 'pounds' "
                "WHEN 'oz' THEN 'ounces' ELSE v.weight_unit END"
            ),
            price="round(vl.price, 2)::float8" if postgresql else "round(vl.price, 2)",
            quantity=f"CASE WHEN vl.availability = 'out_of_stock' OR {stock} < 0 THEN 0 ELSE {stock} END",
        )

    more, separator = {"google-xml": (10, " "), "meta-csv": (20, ",")}.get(fmt, (8, " "))
    image_order = "i.role <> 'main', i.sort_order IS NULL, i.sort_order, i.id"
    # The product-level values that read other tables, each for all products in one grouped pass, joined:
    # - the rendition URLs of the product's images, main image first: the first, then the next `more` joined
    joins = [
        f"""LEFT JOIN (SELECT product_id, MAX(CASE WHEN n = 1 THEN url END) AS main,
            {aggregate(f"CASE WHEN n BETWEEN 2 AND {more + 1} THEN url END", separator, "n")} AS more
        FROM (SELECT i.product_id, %(media)s || r.file AS url,
                     ROW_NUMBER() OVER (PARTITION BY i.product_id ORDER BY {image_order}) AS n
              FROM catalog_productimage i JOIN media_customrendition r ON r.image_id = i.image_id
                   AND r.filter_spec = %(spec)s AND r.focal_point_key = ''
              ORDER BY i.product_id, n) ranked
        GROUP BY product_id) images ON images.product_id = p.id"""
    ]
    if fmt != "amazon-json":
        joins += [
            # - how many active variants the product has (item_group_id only with more than one)
            "LEFT JOIN (SELECT product_id, COUNT(*) AS active FROM catalog_variant WHERE active GROUP BY product_id)"
            " variants ON variants.product_id = p.id",
            # - the breadcrumb of its first category in tree order, "Apparel > Jackets"
            f"""LEFT JOIN (SELECT pc.product_id, MIN(c.path) AS path FROM catalog_product_categories pc
             JOIN catalog_category c ON c.id = pc.category_id GROUP BY pc.product_id) first_category
         ON first_category.product_id = p.id
LEFT JOIN (SELECT path, {aggregate("name", " > ", "depth")} AS trail
           FROM (SELECT c.path, a.name, a.depth FROM catalog_category c JOIN catalog_category a
                   ON a.path = substr(c.path, 1, length(a.path)) ORDER BY c.path, a.depth) ancestors
           GROUP BY path) crumbs ON crumbs.path = first_category.path""",
        ]
    # - which of the product type's attributes holds each variant fact, and its unit (ResolvedProductType): a
    #   row per product type, materialized (SQLite would otherwise fold its subqueries into every item's row)
    held_by = ",\n       ".join(
        f"""(SELECT a.{column} FROM catalog_producttypeattribute l JOIN catalog_attribute a ON a.id = l.attribute_id
         WHERE l.product_type_id = t.id AND (a.code = '{key}' OR a.marketplace_attribute = '{key}')
         ORDER BY CASE WHEN a.code = '{key}' THEN 0 ELSE 1 END, l.sort_order, l.id LIMIT 1) AS {key}_{column}"""
        for key in ("color", "size", "material")
        for column in ("code", "unit")
    )
    joins.append("LEFT JOIN held_by ON held_by.id = p.product_type_id")
    joined = "\n".join(joins)
    product_values = ",\n       ".join(f"{expression} AS {name}" for name, expression in shared.items())
    select = ",\n       ".join(f"{expression} AS {name}" for name, expression in columns.items())
    # PostgreSQL would inline the CTE and evaluate the product columns for each variant (and planned the whole
    # worse: 0.62 s instead of 0.35 s at 10k products); SQLite flattens it into a scan of the products in id
    # order, which keeps its sort to each product's variants (materialized, it sorted every row in memory).
    materialized = "MATERIALIZED" if postgresql else "NOT MATERIALIZED"
    sql = f"""WITH held_by AS MATERIALIZED (SELECT t.id, {held_by}\nFROM catalog_producttype t),
products AS {materialized} (
SELECT p.id, p.slug,
       {product_values}
FROM catalog_product p
JOIN channels_productlisting pl ON pl.product_id = p.id AND pl.channel_id = %(channel)s AND pl.published
     AND (pl.available_from IS NULL OR pl.available_from <= %(now)s)
     AND (pl.available_until IS NULL OR pl.available_until > %(now)s)
LEFT JOIN catalog_brand b ON b.id = p.brand_id
{joined}
WHERE p.live
)
SELECT {select}
FROM products pp
JOIN catalog_variant v ON v.product_id = pp.id
JOIN channels_variantlisting vl ON vl.product_id = pp.id AND vl.sku = v.sku AND vl.channel_id = %(channel)s
     AND vl.published AND vl.price IS NOT NULL AND vl.currency IN (%(currency)s, '')
LEFT JOIN (SELECT variant_id, SUM(on_hand - reserved) AS quantity FROM catalog_stocklevel GROUP BY variant_id) s
     ON s.variant_id = v.id
WHERE v.active
ORDER BY pp.id, v.sort_order IS NULL, v.sort_order, v.id
"""
    return sql, list(columns)
