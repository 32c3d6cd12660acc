"""The curated demo catalog as plain data: what a small outdoor-and-home retailer might sell.

Kept apart from the loader so the numbers tests assert (products, variants, categories …) can be read
off this file, and so the synthetic loader draws its brands, types and option values from the same place.
"""

from dataclasses import dataclass, field

# Where the demo's identifiers live. Curated GTIN-13s: 50 (GS1 UK) + 61234 (our demo company) + item.
CURATED_GTIN_PREFIX = "5061234"
# Synthetic GTIN-13s: 48 + a 10-digit running variant number, so re-runs never collide.
SYNTHETIC_GTIN_PREFIX = "48"
SYNTHETIC_SLUG_PREFIX = "synthetic-product-"
SYNTHETIC_SKU_PREFIX = "SYN-"

IMAGE_CREDIT = "Hub demo studio"
IMAGE_RIGHTS = "Demo artwork drawn by load_demo; free to use"


@dataclass(frozen=True)
class BrandSpec:
    slug: str
    name: str
    code: str  # SKU prefix
    description: str


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    children: tuple["CategorySpec", ...] = ()


@dataclass(frozen=True)
class AttributeSpec:
    code: str
    name: str
    kind: str  # an Attribute.Kind value
    unit: str = ""
    options: tuple[str, ...] = ()
    marketplace_attribute: str = ""  # a MarketplaceAttribute value: what the feeds send it as


@dataclass(frozen=True)
class ProductTypeSpec:
    slug: str
    name: str
    shape: str  # what images.py draws for it
    product_attributes: tuple[tuple[str, bool], ...]  # (code, required)
    variant_attributes: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class StockLocationSpec:
    code: str
    name: str
    country: str


@dataclass(frozen=True)
class ProductSpec:
    title: str
    brand: str
    product_type: str
    categories: tuple[str, ...]
    price: str
    summary: str
    attributes: dict
    options: dict[str, tuple]  # each variant is one combination of these values
    compare_at: str | None = None
    weight: str = "0.300"  # kg
    status: str = "live"  # live | draft | changed (live with unpublished changes) | scheduled
    extra: dict = field(default_factory=dict)


BRANDS = (
    BrandSpec("northwind-outfitters", "Northwind Outfitters", "NWO", "Warm, hard-wearing basics since 1978."),
    BrandSpec("alder-and-co", "Alder & Co.", "ALD", "Workwear cuts in organic cotton and waxed canvas."),
    BrandSpec("summit-ridge", "Summit Ridge", "SMR", "Technical mountain gear, tested in the Alps."),
    BrandSpec("tidewater", "Tidewater", "TDW", "Coastal clothing and bags that shrug off the weather."),
    BrandSpec("pebble-run", "Pebble Run", "PBR", "Running shoes and kit for road and trail."),
    BrandSpec("fernway", "Fernway", "FRN", "Reusable bottles and soft goods for everyday outdoors."),
    BrandSpec("kiln-and-copper", "Kiln & Copper", "KNC", "Cookware and stoneware made to last decades."),
    BrandSpec("hearthline", "Hearthline", "HRL", "Bedding and kitchen textiles in natural fibres."),
)

CATEGORIES = (
    CategorySpec(
        "apparel",
        "Apparel",
        (
            CategorySpec("t-shirts", "T-shirts"),
            CategorySpec("hoodies-sweatshirts", "Hoodies & Sweatshirts"),
            CategorySpec("jackets", "Jackets"),
        ),
    ),
    CategorySpec(
        "footwear",
        "Footwear",
        (
            CategorySpec("running-shoes", "Running shoes"),
            CategorySpec("hiking-boots", "Hiking boots"),
            CategorySpec("casual-shoes-sandals", "Casual shoes & Sandals"),
        ),
    ),
    CategorySpec(
        "home-kitchen",
        "Home & Kitchen",
        (
            CategorySpec("drinkware", "Drinkware"),
            CategorySpec("cookware", "Cookware"),
            CategorySpec("bed-bath", "Bed & Bath"),
        ),
    ),
    CategorySpec(
        "outdoor",
        "Outdoor",
        (
            CategorySpec("backpacks", "Backpacks"),
            CategorySpec("tents", "Tents"),
            CategorySpec("camping-gear", "Camping gear"),
        ),
    ),
)

ATTRIBUTES = (
    AttributeSpec("size", "Size", "choice", options=("XS", "S", "M", "L", "XL", "XXL")),
    AttributeSpec(
        "shoe_size",
        "Shoe size (EU)",
        "choice",
        options=tuple(str(size) for size in range(36, 48)),
        marketplace_attribute="size",
    ),
    AttributeSpec("color", "Colour", "text"),
    AttributeSpec("material", "Material", "text"),
    AttributeSpec("fit", "Fit", "choice", options=("Regular", "Slim", "Relaxed", "Oversized")),
    AttributeSpec("waterproof", "Waterproof", "boolean"),
    AttributeSpec("capacity", "Capacity", "number", unit="ml"),
    AttributeSpec("dishwasher_safe", "Dishwasher safe", "boolean"),
    AttributeSpec("induction_ready", "Induction ready", "boolean"),
    AttributeSpec("diameter", "Diameter", "number", unit="cm", marketplace_attribute="size"),
    AttributeSpec("thread_count", "Thread count", "number"),
    AttributeSpec(
        "bed_size", "Bed size", "choice", options=("Single", "Double", "Queen", "King"), marketplace_attribute="size"
    ),
    AttributeSpec("volume", "Volume", "number", unit="L"),
    AttributeSpec("sleeps", "Sleeps", "number", unit="persons"),
    AttributeSpec("seasons", "Seasons", "choice", options=("3-season", "4-season")),
    AttributeSpec("temperature_rating", "Comfort temperature", "number", unit="°C"),
    AttributeSpec("length", "Length", "choice", options=("Regular", "Long"), marketplace_attribute="size"),
)

PRODUCT_TYPES = (
    ProductTypeSpec(
        "apparel-top", "Apparel top", "shirt", (("material", True), ("fit", False)), (("size", True), ("color", True))
    ),
    ProductTypeSpec(
        "outerwear",
        "Outerwear",
        "jacket",
        (("material", True), ("waterproof", True)),
        (("size", True), ("color", True)),
    ),
    ProductTypeSpec(
        "footwear",
        "Footwear",
        "shoe",
        (("material", True), ("waterproof", False)),
        (("shoe_size", True), ("color", True)),
    ),
    ProductTypeSpec(
        "drinkware",
        "Drinkware",
        "mug",
        (("material", True), ("capacity", True), ("dishwasher_safe", False)),
        (("color", True),),
    ),
    ProductTypeSpec(
        "cookware",
        "Cookware",
        "pan",
        (("material", True), ("dishwasher_safe", False), ("induction_ready", False)),
        (("diameter", True),),
    ),
    ProductTypeSpec(
        "home-textiles",
        "Home textiles",
        "textile",
        (("material", True), ("thread_count", False)),
        (("bed_size", False), ("color", True)),
    ),
    ProductTypeSpec("backpack", "Backpack", "backpack", (("volume", True), ("waterproof", False)), (("color", True),)),
    ProductTypeSpec(
        "tent",
        "Tent",
        "tent",
        (("sleeps", True), ("seasons", True), ("waterproof", False)),
        (("color", True),),
    ),
    ProductTypeSpec(
        "outdoor-gear",
        "Outdoor gear",
        "gear",
        (("material", False), ("temperature_rating", False), ("waterproof", False)),
        (("color", True), ("length", False)),
    ),
)

STOCK_LOCATIONS = (
    StockLocationSpec("warehouse-east", "Warehouse East (Newark)", "US"),
    StockLocationSpec("store-nyc", "Store NYC (SoHo)", "US"),
)

# Colour names used in options, and how images draw them.
COLOURS = {
    "Black": "#25262b",
    "White": "#f4f4f2",
    "Off-white": "#ece6d6",
    "Heather grey": "#9ea3a8",
    "Grey": "#7d8489",
    "Charcoal": "#3d4247",
    "Slate": "#5b6770",
    "Navy": "#1f2f55",
    "Electric blue": "#1f6fe5",
    "Blue": "#2f6db5",
    "Slate blue": "#4f6d8f",
    "Teal": "#1d8a88",
    "Mint": "#9fdcc4",
    "Sage": "#9caf88",
    "Green": "#2f7d46",
    "Forest green": "#264d33",
    "Olive": "#5d6532",
    "Lime": "#a8d14a",
    "Yellow": "#f2c230",
    "Sunny yellow": "#ffd84d",
    "Orange": "#ec7a2c",
    "Rust": "#a5472a",
    "Terracotta": "#c2643f",
    "Coral": "#f27d72",
    "Red": "#c8312c",
    "Red check": "#b03030",
    "Blue check": "#3050a0",
    "Dusty rose": "#c99197",
    "Lilac": "#b7a3d6",
    "Sand": "#d8c39a",
    "Tan": "#c19a6b",
    "Brown": "#6b4429",
    "Chestnut": "#8a4b2a",
    "Oatmeal": "#d9ccb1",
    "Oat": "#dccfb4",
    "Cream": "#f1e7cf",
    "Ivory": "#f6f0df",
    "Speckled white": "#eeeae3",
    "Matte black": "#2b2b2b",
    "Clear": "#d6e9f0",
    "Silver": "#b9bdc2",
}

S_M_L = ("S", "M", "L")


def _p(title, brand, product_type, categories, price, summary, attributes, options, **extra) -> ProductSpec:
    """A curated product; `categories` is one slug or a tuple of slugs (the first is the main one)."""
    if isinstance(categories, str):
        categories = (categories,)
    return ProductSpec(title, brand, product_type, categories, price, summary, attributes, options, **extra)


# fmt: off
PRODUCTS = (
    # Apparel › T-shirts
    _p("Organic Cotton Crew Tee", "northwind-outfitters", "apparel-top", "t-shirts", "24.00",
       "A soft everyday crew neck in GOTS organic cotton.",
       {"material": "100% organic cotton", "fit": "Regular"}, {"size": S_M_L, "color": ("Heather grey", "Black")},
       weight="0.180"),
    _p("Everyday Pocket Tee", "alder-and-co", "apparel-top", "t-shirts", "28.00",
       "A midweight tee with a chest pocket that keeps its shape wash after wash.",
       {"material": "Cotton jersey", "fit": "Relaxed"}, {"size": ("S", "M", "L", "XL"), "color": ("Navy",)},
       weight="0.200"),
    _p("Merino Trail Tee", "summit-ridge", "apparel-top", "t-shirts", "65.00",
       "Odour-resistant merino for long days on the trail.",
       {"material": "Merino wool", "fit": "Slim"}, {"size": ("S", "M", "L", "XL"), "color": ("Charcoal",)},
       compare_at="79.00", weight="0.150"),
    _p("Slub Linen Tee", "tidewater", "apparel-top", "t-shirts", "38.00",
       "Breezy linen-blend tee for hot coastal summers.",
       {"material": "Linen and cotton", "fit": "Relaxed"}, {"size": S_M_L, "color": ("Sand",)}, weight="0.170"),
    _p("Heavyweight Boxy Tee", "alder-and-co", "apparel-top", "t-shirts", "34.00",
       "A dense 240 gsm cotton tee with a boxy cut.",
       {"material": "Cotton", "fit": "Oversized"}, {"size": ("M", "L", "XL"), "color": ("Off-white",)},
       weight="0.260"),
    _p("Mountain Graphic Tee", "summit-ridge", "apparel-top", "t-shirts", "30.00",
       "Screen-printed ridge line on a soft cotton tee.",
       {"material": "Cotton", "fit": "Regular"}, {"size": S_M_L, "color": ("Forest green",)},
       compare_at="36.00", weight="0.190"),
    _p("Waffle Long Sleeve Tee", "northwind-outfitters", "apparel-top", "t-shirts", "42.00",
       "Waffle-knit long sleeve for layering.",
       {"material": "Cotton waffle knit", "fit": "Regular"}, {"size": S_M_L, "color": ("Oatmeal",)},
       weight="0.240", status="draft"),
    _p("Performance Run Tee", "pebble-run", "apparel-top", ("t-shirts", "running-shoes"), "32.00",
       "Quick-drying mesh tee for tempo runs.",
       {"material": "Recycled polyester", "fit": "Slim"}, {"size": S_M_L, "color": ("Electric blue",)},
       weight="0.120"),
    # Apparel › Hoodies & Sweatshirts
    _p("Fleece Pullover Hoodie", "northwind-outfitters", "apparel-top", "hoodies-sweatshirts", "68.00",
       "Brushed-back fleece hoodie with a kangaroo pocket.",
       {"material": "Cotton fleece", "fit": "Regular"}, {"size": S_M_L, "color": ("Black", "Forest green")},
       weight="0.550"),
    _p("Classic Crewneck Sweatshirt", "alder-and-co", "apparel-top", "hoodies-sweatshirts", "58.00",
       "Loopback cotton sweatshirt with ribbed cuffs.",
       {"material": "Loopback cotton", "fit": "Regular"}, {"size": S_M_L, "color": ("Heather grey",)},
       weight="0.500"),
    _p("Zip-up Training Hoodie", "pebble-run", "apparel-top", "hoodies-sweatshirts", "72.00",
       "A light full-zip hoodie for warm-ups and cool-downs.",
       {"material": "Polyester blend", "fit": "Slim"}, {"size": ("M", "L"), "color": ("Navy", "Black")},
       compare_at="85.00", weight="0.420"),
    _p("Brushed Cotton Sweatshirt", "tidewater", "apparel-top", "hoodies-sweatshirts", "62.00",
       "Garment-dyed sweatshirt with a lived-in feel.",
       {"material": "Brushed cotton", "fit": "Relaxed"}, {"size": S_M_L, "color": ("Dusty rose",)},
       weight="0.480"),
    # Apparel › Jackets
    _p("Storm Shell Rain Jacket", "summit-ridge", "outerwear", ("jackets", "outdoor"), "189.00",
       "Three-layer waterproof shell with taped seams and a helmet-ready hood.",
       {"material": "3-layer nylon", "waterproof": "yes"}, {"size": ("S", "M", "L", "XL"), "color": ("Red",)},
       compare_at="229.00", weight="0.390"),
    _p("Packable Down Jacket", "northwind-outfitters", "outerwear", "jackets", "159.00",
       "700-fill responsibly sourced down that packs into its own pocket.",
       {"material": "Nylon, duck down", "waterproof": "no"}, {"size": S_M_L, "color": ("Black",)},
       weight="0.330"),
    _p("Waxed Cotton Field Jacket", "alder-and-co", "outerwear", "jackets", "245.00",
       "Waxed canvas with a corduroy collar; re-proof it and it lasts a lifetime.",
       {"material": "Waxed cotton canvas", "waterproof": "no"}, {"size": ("M", "L", "XL"), "color": ("Olive",)},
       weight="1.200"),
    _p("Softshell Trail Jacket", "summit-ridge", "outerwear", "jackets", "135.00",
       "Stretchy, breathable and wind resistant for fast hikes.",
       {"material": "Stretch softshell", "waterproof": "no"}, {"size": S_M_L, "color": ("Slate",)},
       weight="0.450", status="changed"),
    _p("Harbour Windbreaker Anorak", "tidewater", "outerwear", "jackets", "98.00",
       "A half-zip anorak that rolls into its chest pocket.",
       {"material": "Ripstop nylon", "waterproof": "no"}, {"size": S_M_L, "color": ("Yellow",)}, weight="0.280"),
    # Footwear › Running shoes
    _p("Cloudstride Road Runner", "pebble-run", "footwear", "running-shoes", "140.00",
       "A cushioned daily trainer with a rocker sole.",
       {"material": "Engineered mesh", "waterproof": "no"},
       {"shoe_size": ("40", "41", "42", "43", "44"), "color": ("White",)}, weight="0.560"),
    _p("Tempo Racer", "pebble-run", "footwear", "running-shoes", "165.00",
       "Carbon-plated racer for race day and fast sessions.",
       {"material": "Monofilament mesh", "waterproof": "no"},
       {"shoe_size": ("41", "42", "43"), "color": ("Electric blue",)}, compare_at="190.00", weight="0.420"),
    _p("Trail Grip Runner GTX", "summit-ridge", "footwear", ("running-shoes", "outdoor"), "155.00",
       "Waterproof trail shoe with 5 mm lugs.",
       {"material": "Mesh with waterproof membrane", "waterproof": "yes"},
       {"shoe_size": ("41", "42", "43"), "color": ("Charcoal",)}, weight="0.640"),
    _p("Daily Trainer", "pebble-run", "footwear", "running-shoes", "110.00",
       "An honest, durable shoe for easy miles.",
       {"material": "Knit upper", "waterproof": "no"},
       {"shoe_size": ("39", "40", "41", "42"), "color": ("Black",)}, weight="0.580"),
    # Footwear › Hiking boots
    _p("Ridgeline Mid Hiking Boot", "summit-ridge", "footwear", "hiking-boots", "179.00",
       "Supportive mid boot with a waterproof membrane and Vibram sole.",
       {"material": "Nubuck leather", "waterproof": "yes"},
       {"shoe_size": ("41", "42", "43", "44"), "color": ("Brown",)}, weight="1.150"),
    _p("Alpine Leather Boot", "summit-ridge", "footwear", "hiking-boots", "260.00",
       "Full-grain leather boot for scrambles and via ferratas.",
       {"material": "Full-grain leather", "waterproof": "yes"},
       {"shoe_size": ("42", "43", "44"), "color": ("Chestnut",)}, weight="1.400"),
    _p("Lightweight Trek Boot", "northwind-outfitters", "footwear", "hiking-boots", "129.00",
       "A light boot that feels like a trainer on the trail.",
       {"material": "Suede and mesh", "waterproof": "no"},
       {"shoe_size": ("40", "41", "42"), "color": ("Grey",)}, compare_at="149.00", weight="0.900"),
    # Footwear › Casual shoes & Sandals
    _p("Harbour Slide Sandal", "tidewater", "footwear", "casual-shoes-sandals", "39.00",
       "A cushioned slide for beach and poolside.",
       {"material": "EVA foam", "waterproof": "yes"},
       {"shoe_size": ("38", "40", "42", "44"), "color": ("Navy",)}, weight="0.300"),
    _p("Cork Footbed Sandal", "fernway", "footwear", "casual-shoes-sandals", "79.00",
       "Contoured cork footbed with adjustable suede straps.",
       {"material": "Cork and suede", "waterproof": "no"},
       {"shoe_size": ("38", "39", "40"), "color": ("Tan",)}, weight="0.450"),
    _p("Canvas Low Sneaker", "alder-and-co", "footwear", "casual-shoes-sandals", "85.00",
       "Vulcanised canvas sneaker with an organic cotton upper.",
       {"material": "Organic cotton canvas", "waterproof": "no"},
       {"shoe_size": ("40", "41", "42", "43"), "color": ("Off-white",)}, weight="0.700"),
    _p("Suede Chukka Boot", "alder-and-co", "footwear", "casual-shoes-sandals", "149.00",
       "A two-eyelet chukka on a crepe sole.",
       {"material": "Suede", "waterproof": "no"},
       {"shoe_size": ("41", "42", "43"), "color": ("Sand",)}, weight="0.850", status="draft"),
    # Home & Kitchen › Drinkware
    _p("Insulated Water Bottle 750 ml", "fernway", "drinkware", "drinkware", "35.00",
       "Double-wall steel keeps drinks cold for 24 hours.",
       {"material": "Stainless steel", "capacity": "750", "dishwasher_safe": "no"},
       {"color": ("Sage", "Black", "Coral", "Navy")}, weight="0.390"),
    _p("Travel Coffee Tumbler", "fernway", "drinkware", "drinkware", "29.00",
       "Leak-proof lid and a cup-holder-friendly base.",
       {"material": "Stainless steel", "capacity": "470", "dishwasher_safe": "yes"},
       {"color": ("Matte black", "Cream", "Navy")}, compare_at="34.00", weight="0.310"),
    _p("Stoneware Mug Set of 4", "kiln-and-copper", "drinkware", "drinkware", "48.00",
       "Hand-glazed stoneware mugs; no two quite alike.",
       {"material": "Stoneware", "capacity": "350", "dishwasher_safe": "yes"},
       {"color": ("Speckled white", "Slate blue", "Terracotta")}, weight="1.600"),
    _p("Glass Pour-over Carafe", "kiln-and-copper", "drinkware", "drinkware", "42.00",
       "Borosilicate carafe with a cork collar.",
       {"material": "Borosilicate glass", "capacity": "800", "dishwasher_safe": "yes"},
       {"color": ("Clear",)}, weight="0.450"),
    _p("Kids' Sippy Bottle", "fernway", "drinkware", "drinkware", "22.00",
       "A spill-proof straw bottle sized for small hands.",
       {"material": "Stainless steel", "capacity": "350", "dishwasher_safe": "yes"},
       {"color": ("Mint", "Lilac", "Sunny yellow")}, weight="0.220"),
    _p("Enamel Camp Mug", "summit-ridge", "drinkware", ("drinkware", "camping-gear"), "16.00",
       "A classic enamel mug for the campfire and the kitchen.",
       {"material": "Enamelled steel", "capacity": "300", "dishwasher_safe": "yes"},
       {"color": ("White", "Green", "Blue")}, weight="0.180"),
    # Home & Kitchen › Cookware
    _p("Cast Iron Skillet", "kiln-and-copper", "cookware", "cookware", "59.00",
       "Pre-seasoned cast iron that goes from hob to oven to table.",
       {"material": "Cast iron", "dishwasher_safe": "no", "induction_ready": "yes"},
       {"diameter": ("20", "26", "30")}, weight="2.300"),
    _p("Tri-ply Stainless Frying Pan", "kiln-and-copper", "cookware", "cookware", "89.00",
       "Even heating from edge to edge with an aluminium core.",
       {"material": "Stainless steel, aluminium core", "dishwasher_safe": "yes", "induction_ready": "yes"},
       {"diameter": ("20", "24", "28")}, compare_at="109.00", weight="1.100"),
    _p("Enamelled Dutch Oven", "kiln-and-copper", "cookware", "cookware", "189.00",
       "Heavy enamelled cast iron for braises and bread.",
       {"material": "Enamelled cast iron", "dishwasher_safe": "no", "induction_ready": "yes"},
       {"diameter": ("24", "28")}, weight="5.200"),
    _p("Ceramic Nonstick Sauté Pan", "hearthline", "cookware", "cookware", "69.00",
       "PFAS-free ceramic coating with a glass lid.",
       {"material": "Aluminium, ceramic coating", "dishwasher_safe": "no", "induction_ready": "no"},
       {"diameter": ("24", "28")}, weight="1.500"),
    _p("Copper Saucepan", "kiln-and-copper", "cookware", "cookware", "210.00",
       "Tin-lined copper for sauces that never catch.",
       {"material": "Copper, tin lined", "dishwasher_safe": "no", "induction_ready": "no"},
       {"diameter": ("16", "18", "20")}, weight="1.700", status="scheduled"),
    _p("Carbon Steel Wok", "hearthline", "cookware", "cookware", "55.00",
       "Hand-hammered carbon steel; seasons to a natural nonstick.",
       {"material": "Carbon steel", "dishwasher_safe": "no", "induction_ready": "yes"},
       {"diameter": ("30", "36")}, weight="1.800"),
    # Home & Kitchen › Bed & Bath
    _p("Percale Sheet Set", "hearthline", "home-textiles", "bed-bath", "129.00",
       "Crisp, cool long-staple cotton percale.",
       {"material": "Long-staple cotton", "thread_count": "300"},
       {"bed_size": ("Double", "Queen", "King"), "color": ("White", "Sage")}, weight="1.600"),
    _p("Washed Linen Duvet Cover", "hearthline", "home-textiles", "bed-bath", "189.00",
       "Stonewashed French linen that softens with every wash.",
       {"material": "French linen"},
       {"bed_size": ("Queen", "King"), "color": ("Oat", "Sage")}, compare_at="229.00", weight="1.400"),
    _p("Waffle Bath Towel", "hearthline", "home-textiles", "bed-bath", "32.00",
       "Light, quick-drying waffle weave.",
       {"material": "Turkish cotton"}, {"color": ("Ivory", "Charcoal", "Sage")}, weight="0.450"),
    _p("Chunky Knit Throw", "fernway", "home-textiles", "bed-bath", "95.00",
       "An oversized knit throw for the sofa.",
       {"material": "Recycled cotton"}, {"color": ("Cream", "Rust")}, weight="1.900"),
    _p("Down-alternative Pillow", "hearthline", "home-textiles", "bed-bath", "49.00",
       "Hypoallergenic fill with a medium loft.",
       {"material": "Cotton cover, recycled fibre fill", "thread_count": "233"},
       {"bed_size": ("Queen", "King"), "color": ("White",)}, weight="0.900"),
    # Outdoor › Backpacks
    _p("Trailhead Daypack 22 L", "summit-ridge", "backpack", "backpacks", "89.00",
       "A ventilated back panel and hip-belt pockets for day hikes.",
       {"volume": "22", "waterproof": "no"}, {"color": ("Black", "Orange", "Teal", "Navy")}, weight="0.850"),
    _p("Roll-top Dry Backpack 30 L", "tidewater", "backpack", "backpacks", "119.00",
       "Welded seams and a roll-top closure keep gear dry in a downpour.",
       {"volume": "30", "waterproof": "yes"}, {"color": ("Yellow", "Black")}, compare_at="139.00", weight="1.000"),
    _p("Urban Commuter Pack 18 L", "alder-and-co", "backpack", "backpacks", "110.00",
       "Padded laptop sleeve and a quick-access top pocket.",
       {"volume": "18", "waterproof": "no"}, {"color": ("Charcoal", "Navy", "Olive")}, weight="0.900"),
    _p("Alpine Expedition Pack 55 L", "summit-ridge", "backpack", "backpacks", "249.00",
       "An adjustable back system for multi-day routes.",
       {"volume": "55", "waterproof": "no"}, {"color": ("Red", "Grey")}, weight="1.900", status="changed"),
    _p("Hydration Running Vest 5 L", "pebble-run", "backpack", ("backpacks", "running-shoes"), "99.00",
       "Two soft flasks and a snug, bounce-free fit.",
       {"volume": "5", "waterproof": "no"}, {"color": ("Black", "Lime")}, weight="0.250"),
    # Outdoor › Tents
    _p("Two-person Backpacking Tent", "summit-ridge", "tent", "tents", "349.00",
       "A freestanding 1.6 kg tent with two doors and two vestibules.",
       {"sleeps": "2", "seasons": "3-season", "waterproof": "yes"}, {"color": ("Green", "Orange")},
       compare_at="399.00", weight="1.600"),
    _p("Family Dome Tent", "northwind-outfitters", "tent", "tents", "429.00",
       "Room for six with a standing-height centre.",
       {"sleeps": "6", "seasons": "3-season", "waterproof": "yes"}, {"color": ("Grey",)}, weight="9.500"),
    _p("Ultralight Trekking Pole Tent", "summit-ridge", "tent", "tents", "389.00",
       "Pitches with your trekking poles; under 900 g.",
       {"sleeps": "1", "seasons": "3-season", "waterproof": "yes"}, {"color": ("Sand",)}, weight="0.880"),
    # Outdoor › Camping gear
    _p("Three-season Sleeping Bag", "northwind-outfitters", "outdoor-gear", "camping-gear", "179.00",
       "Synthetic fill that stays warm when damp.",
       {"material": "Recycled synthetic fill", "temperature_rating": "-2"},
       {"color": ("Navy",), "length": ("Regular", "Long")}, weight="1.300"),
    _p("Inflatable Sleeping Pad", "summit-ridge", "outdoor-gear", "camping-gear", "139.00",
       "An insulated air pad with a fast-flow valve.",
       {"material": "Ripstop nylon", "waterproof": "yes"},
       {"color": ("Orange",), "length": ("Regular", "Long")}, compare_at="159.00", weight="0.480"),
    _p("Folding Camp Chair", "northwind-outfitters", "outdoor-gear", "camping-gear", "59.00",
       "A packable chair with a cup holder.",
       {"material": "Aluminium and polyester"}, {"color": ("Green", "Grey", "Blue")}, weight="1.200"),
    _p("Rechargeable Headlamp", "summit-ridge", "outdoor-gear", "camping-gear", "45.00",
       "400 lumens, USB-C charging, red night mode.",
       {"material": "Polycarbonate", "waterproof": "yes"}, {"color": ("Black", "Orange")}, weight="0.090"),
    _p("Collapsible Camp Kettle", "kiln-and-copper", "outdoor-gear", ("camping-gear", "cookware"), "38.00",
       "A silicone-walled kettle that folds flat.",
       {"material": "Silicone and stainless steel"}, {"color": ("Silver",)}, weight="0.300"),
    _p("Waterproof Picnic Blanket", "fernway", "outdoor-gear", "camping-gear", "54.00",
       "Soft fleece on top, waterproof backing below.",
       {"material": "Fleece, PU backing", "waterproof": "yes"}, {"color": ("Red check", "Blue check")},
       weight="0.800"),
    _p("Camping Hammock with Straps", "tidewater", "outdoor-gear", "camping-gear", "69.00",
       "Parachute nylon hammock with tree-friendly straps.",
       {"material": "Parachute nylon"}, {"color": ("Teal", "Orange")}, weight="0.550"),
)
# fmt: on

# Synthetic products reuse the curated brands and these type templates: three variants each.
SYNTHETIC_TEMPLATES = (
    (
        "apparel-top",
        "t-shirts",
        "Tee",
        {"material": "Cotton", "fit": "Regular"},
        ({"size": "S", "color": "Navy"}, {"size": "M", "color": "Navy"}, {"size": "L", "color": "Navy"}),
    ),
    (
        "outerwear",
        "jackets",
        "Jacket",
        {"material": "Nylon", "waterproof": True},
        ({"size": "S", "color": "Red"}, {"size": "M", "color": "Red"}, {"size": "L", "color": "Red"}),
    ),
    (
        "footwear",
        "running-shoes",
        "Runner",
        {"material": "Mesh", "waterproof": False},
        (
            {"shoe_size": "41", "color": "White"},
            {"shoe_size": "42", "color": "White"},
            {"shoe_size": "43", "color": "White"},
        ),
    ),
    (
        "drinkware",
        "drinkware",
        "Bottle",
        {"material": "Stainless steel", "capacity": 500, "dishwasher_safe": True},
        ({"color": "Black"}, {"color": "Sage"}, {"color": "Coral"}),
    ),
    (
        "cookware",
        "cookware",
        "Pan",
        {"material": "Cast iron", "induction_ready": True},
        ({"diameter": 20}, {"diameter": 24}, {"diameter": 28}),
    ),
    (
        "backpack",
        "backpacks",
        "Daypack",
        {"volume": 20, "waterproof": False},
        ({"color": "Black"}, {"color": "Orange"}, {"color": "Teal"}),
    ),
)
SYNTHETIC_ADJECTIVES = ("Classic", "Everyday", "Trail", "Urban", "Coastal", "Alpine", "Lightweight", "Heritage")
