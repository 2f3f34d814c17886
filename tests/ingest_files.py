"""Order files for the ingest tests, written in memory from each platform's REAL header.

The headers below are copied from the public sources listed in ../shared/EXPORT_FORMATS.md
(platform source code, help pages, real exports committed to GitHub, importers written against
real downloads), with their quirks: BASE's 氏(請求先)/名(請求先), EC-CUBE's second 送料 column,
楽天's full-width １ in the older layout, Next Engine's 商品名（伝票） with full-width brackets,
Amazon's tab-separated lower-case names. They are NOT derived from the presets: a preset that
expects another name fails these tests. Where a source does not settle a name, the comment says
"unconfirmed". Each builder returns bytes; unlisted cells are left empty as the platforms do.
"""
from __future__ import annotations

import csv
import io

SHOPIFY_HEADER = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
    "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
    "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
    "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
    "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
    "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
    "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes",
    "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount", "Vendor",
    "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags", "Risk Level",
    "Source", "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Phone", "Receipt Number",
    "Duties", "Billing Province Name", "Shipping Province Name", "Payment ID",
    "Payment Terms Name", "Next Payment Due At", "Payment References",
]
RAKUTEN_HEADER = [
    "注文番号", "ステータス", "サブステータスID", "サブステータス", "注文日時", "注文日", "注文時間",
    "キャンセル期限日", "注文確認日時", "注文確定日時", "発送指示日時", "発送完了報告日時", "支払方法名",
    "クレジットカード支払い方法", "クレジットカード支払い回数", "配送方法", "配送区分", "注文種別",
    "複数送付先フラグ", "送付先一致フラグ", "離島フラグ", "楽天確認中フラグ", "警告表示タイプ",
    "楽天会員フラグ", "購入履歴修正有無フラグ", "商品合計金額", "消費税合計", "送料合計", "代引料合計",
    "請求金額", "合計金額", "ポイント利用額", "クーポン利用総額", "店舗発行クーポン利用額",
    "楽天発行クーポン利用額", "注文者郵便番号1", "注文者郵便番号2", "注文者住所都道府県",
    "注文者住所郡市区", "注文者住所それ以降の住所", "注文者姓", "注文者名", "注文者姓カナ", "注文者名カナ",
    "注文者電話番号1", "注文者電話番号2", "注文者電話番号3", "注文者メールアドレス", "注文者性別",
    "申込番号", "申込お届け回数", "送付先ID", "送付先送料", "送付先代引料", "送付先消費税合計",
    "送付先商品合計金額", "送付先合計金額", "のし", "送付先郵便番号1", "送付先郵便番号2",
    "送付先住所都道府県", "送付先住所郡市区", "送付先住所それ以降の住所", "送付先姓", "送付先名",
    "送付先姓カナ", "送付先名カナ", "送付先電話番号1", "送付先電話番号2", "送付先電話番号3", "商品明細ID",
    "商品ID", "商品名", "商品番号", "商品管理番号", "単価", "個数", "送料込別", "税込別", "代引手数料込別",
    "項目・選択肢", "ポイント倍率", "納期情報", "在庫タイプ", "ラッピングタイトル1", "ラッピング名1",
    "ラッピング料金1", "ラッピング税込別1", "ラッピング種類1", "ラッピングタイトル2", "ラッピング名2",
    "ラッピング料金2", "ラッピング税込別2", "ラッピング種類2", "お届け時間帯", "お届け日指定", "担当者",
    "ひとことメモ", "メール差込文 (お客様へのメッセージ)", "ギフト配送希望", "コメント", "利用端末",
    "メールキャリアコード", "あす楽希望フラグ", "医薬品受注フラグ", "楽天スーパーDEAL商品受注フラグ",
    "メンバーシッププログラム受注タイプ",
]
RAKUTEN_OLD_HEADER = [
    "受注番号", "受注ステータス", "カード決済ステータス", "入金日", "配送日", "お届け時間帯", "お届け日指定",
    "担当者", "ひとことメモ", "メール差込文(お客様へのメッセージ)", "初期購入合計金額", "利用端末",
    "メールキャリアコード", "ギフトチェック（0:なし/1:あり）", "コメント", "注文日時", "複数送付先フラグ",
    "警告表示フラグ", "楽天会員フラグ", "合計", "消費税(-99999=無効値)", "送料(-99999=無効値)",
    "代引料(-99999=無効値)", "請求金額(-99999=無効値)", "合計金額(-99999=無効値)", "同梱ID", "同梱ステータス",
    "同梱商品合計金額", "同梱送料合計", "同梱代引料合計", "同梱消費税合計", "同梱請求金額", "同梱合計金額",
    "同梱楽天バンク決済振替手数料", "同梱ポイント利用合計", "メールフラグ", "注文日", "注文時間",
    "モバイルキャリア決済番号", "購入履歴修正可否タイプ", "購入履歴修正アイコンフラグ",
    "購入履歴修正催促メールフラグ", "送付先一致フラグ", "ポイント利用有無", "注文者郵便番号１",
    "注文者郵便番号２", "注文者住所：都道府県", "注文者住所：都市区", "注文者住所：町以降", "注文者名字",
    "注文者名前", "注文者名字フリガナ", "注文者名前フリガナ", "注文者電話番号１", "注文者電話番号２",
    "注文者電話番号３", "メールアドレス", "注文者性別", "注文者誕生日", "決済方法", "クレジットカード種類",
    "クレジットカード番号", "クレジットカード名義人", "クレジットカード有効期限", "クレジットカード分割選択",
    "クレジットカード分割備考", "配送方法", "配送区分", "ポイント利用額", "ポイント利用条件",
    "ポイントステータス", "楽天バンク決済ステータス", "楽天バンク振替手数料負担区分", "楽天バンク決済手数料",
    "ラッピングタイトル(包装紙)", "ラッピング名(包装紙)", "ラッピング料金(包装紙)", "税込別(包装紙)",
    "ラッピングタイトル(リボン)", "ラッピング名(リボン)", "ラッピング料金(リボン)", "税込別(リボン)",
    "送付先送料", "送付先代引料", "送付先消費税", "お荷物伝票番号", "送付先商品合計金額", "のし",
    "送付先郵便番号１", "送付先郵便番号２", "送付先住所：都道府県", "送付先住所：都市区", "送付先住所：町以降",
    "送付先名字", "送付先名前", "送付先名字フリガナ", "送付先名前フリガナ", "送付先電話番号１",
    "送付先電話番号２", "送付先電話番号３", "商品ID", "商品名", "商品番号", "商品URL", "単価", "個数",
    "送料込別", "税込別", "代引手数料込別", "項目・選択肢", "ポイント倍率", "ポイントタイプ", "レコードナンバー",
    "納期情報", "在庫タイプ", "ラッピング種類(包装紙)", "ラッピング種類(リボン)", "あす楽希望", "クーポン利用額",
    "店舗発行クーポン利用額", "楽天発行クーポン利用額", "同梱注文クーポン利用額", "配送会社", "薬事フラグ",
    "楽天スーパーDEAL", "メンバーシッププログラム",
]
AMAZON_HEADER = [
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "order-channel", "url", "ship-service-level",
    "product-name", "sku", "asin", "item-status", "quantity", "currency", "item-price", "item-tax",
    "shipping-price", "shipping-tax", "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount",
    "ship-promotion-discount", "ship-city", "ship-state", "ship-postal-code", "ship-country",
    "promotion-ids", "is-business-order", "purchase-order-number", "price-designation",
]
ECUBE_HEADER = [
    "注文ID", "注文番号", "会員ID", "お名前(姓)", "お名前(名)", "お名前(セイ)", "お名前(メイ)", "会社名",
    "郵便番号", "都道府県(ID)", "都道府県(名称)", "住所1", "住所2", "メールアドレス", "TEL", "性別(ID)",
    "性別(名称)", "職業(ID)", "職業(名称)", "誕生日", "ショップ用メモ欄", "小計", "値引き", "送料", "税金",
    "合計", "支払合計", "対応状況(ID)", "対応状況(名称)", "支払方法(ID)", "支払方法(名称)", "受注日", "入金日",
    "注文詳細ID", "商品ID", "商品規格ID", "商品名", "商品コード", "規格名1", "規格名2", "規格分類名1",
    "規格分類名2", "価格", "個数", "税率", "税率ルール(ID)", "明細区分(ID)", "明細区分(名称)", "出荷ID",
    "配送先_お名前(姓)", "配送先_お名前(名)", "配送先_お名前(セイ)", "配送先_お名前(メイ)", "配送先_会社名",
    "配送先_郵便番号", "配送先_都道府県(ID)", "配送先_都道府県(名称)", "配送先_住所1", "配送先_住所2",
    "配送先_TEL", "配送業者(ID)", "配送業者(名称)", "お届け時間ID", "お届け時間(名称)", "お届け希望日",
    "送料", "発送日", "出荷伝票番号", "配達用メモ", "出荷メール送信日",
]
# the literal HEADER_BASE line of an importer that tells BASE / minne / Creema files apart
BASE_HEADER = ("注文ID,注文日時,氏(請求先),名(請求先),郵便番号(請求先),都道府県(請求先),住所(請求先),住所2(請求先),"
               "電話番号(請求先),メールアドレス(請求先),氏(配送先),名(配送先),郵便番号(配送先),都道府県(配送先),"
               "住所(配送先),住所2(配送先),電話番号(配送先),備考,商品名,バリエーション,価格,税率,数量,合計金額,送料,"
               "支払い方法,代引き手数料,発送状況,商品ID,種類ID,購入元,配送日,配送時間帯,注文メモ,調整金額").split(",")
# newer downloads add 商品コード, 種類コード, JAN / GTIN, 特典 (another importer drops exactly these)
BASE_HEADER_NEW = BASE_HEADER + ["商品コード", "種類コード", "JAN / GTIN", "特典"]
# Yahoo!ショッピング: $CSV_FIELDS_YAHOO_ORDER / $CSV_FIELDS_YAHOO_ITEM (messi0416/symfony-rakuten-project)
YAHOO_ORDER_HEADER = [
    "OrderId", "ParentOrderId", "DeviceType", "OrderTime", "OrderStatus", "StoreStatus", "BillName",
    "BillFirstName", "BillLastName", "BillPhoneNumber", "BillMailAddress", "PayMethod", "ShipCharge",
    "PayCharge", "Discount", "UsePoint", "Total", "TotalPrice",
]
YAHOO_ITEM_HEADER = [
    "OrderId", "LineId", "Quantity", "ItemId", "SubCode", "Title", "ItemOptionName", "ItemOptionValue",
    "UnitPrice", "LineSubTotal", "CouponDiscount", "Jan",
]
# futureshop: the items Next Engine manual 6334 lists (no main e-mail, no status: unconfirmed)
FUTURESHOP_HEADER = [
    "受注コード", "注文日時", "請求合計金額", "商品合計金額", "消費税合計", "包装手数料", "送料", "決済手数料",
    "クール便手数料", "その他手数料", "決済方法", "入金フラグ", "入金確認日", "氏名(姓)", "氏名(名)",
    "メールアドレス(サブ)", "メールアドレス(モバイル)", "郵便番号", "都道府県区分", "住所1", "住所2", "住所3",
    "電話番号(メイン)", "電話番号(サブ)", "携帯電話番号", "お届け先氏名(姓)", "お届け先氏名(名)", "商品番号",
    "枝番号", "商品名", "バリエーション名", "販売単価", "購入数量", "ポイント利用額", "割引合計金額(商品)",
    "割引合計金額(送料)",
]
# MakeShop: the first seven names are confirmed (manual article 33957532168345); the item, amount
# and contact columns a shop adds to its template are unconfirmed (written as a shop might)
MAKESHOP_HEADER = ["日付", "注文時間", "注文番号", "処理状況", "会社名", "注文者", "注文者(振り仮名)",
                   "注文者メールアドレス", "注文者電話番号", "商品名", "商品価格", "数量", "決済金額"]
# カラーミーショップ: no public source (unconfirmed throughout)
COLORME_HEADER = ["売上ID", "受注日", "顧客ID", "購入者名", "メールアドレス", "電話番号", "型番", "商品名",
                  "販売価格", "販売個数", "合計金額", "キャンセル"]
# Next Engine 汎用受注CSV (import; manual ID 5552) — full-width digits in 受注住所１/２
NEXT_ENGINE_HEADER = [
    "店舗伝票番号", "受注日", "受注郵便番号", "受注住所１", "受注住所２", "受注名", "受注名カナ", "受注電話番号",
    "受注メールアドレス", "発送郵便番号", "発送先住所１", "発送先住所２", "発送先名", "発送先カナ", "発送電話番号",
    "支払方法", "発送方法", "商品計", "税金", "発送料", "手数料", "ポイント", "その他費用", "合計金額",
    "ギフトフラグ", "時間帯指定", "日付指定", "作業者欄", "備考", "商品名", "商品コード", "商品価格", "受注数量",
    "商品オプション", "出荷済フラグ", "顧客区分", "顧客コード",
]
# Next Engine 受注明細 CSV (export; UpdateDbByOrderListCsvCommand.php) — SJIS-win, all quoted
NE_DETAIL_HEADER = [
    "伝票番号", "受注番号", "受注日", "出荷確定日", "取込日", "入金日", "キャンセル日", "キャンセル区分", "入金額",
    "発送伝票番号", "店舗名", "店舗コード", "発送方法", "支払方法", "総合計", "商品計", "税金", "発送代", "手数料",
    "他費用", "ポイント数", "受注状態", "購入者名", "購入者カナ", "購入者電話番号", "購入者郵便番号", "購入者住所1",
    "購入者住所2", "購入者メールアドレス", "顧客cd", "顧客区分", "送り先名", "明細行", "明細行キャンセル",
    "商品コード（伝票）", "商品名（伝票）", "商品オプション", "受注数", "引当数", "引当日", "売単価", "小計", "元単価",
    "掛率",
]
# Next Engine 納品書 CSV (export; DeliveryController.php)
NE_DELIVERY_HEADER = [
    "店舗名", "伝票番号", "受注番号", "受注日", "取込日", "受注状態", "発送方法", "支払方法", "合計金額", "税金",
    "手数料", "送料", "その他", "ポイント", "購入者名", "購入者電話番号", "購入者メールアドレス", "商品コード",
    "商品名", "受注数", "商品単価", "掛率", "小計", "商品オプション", "キャンセル", "引当数", "引当日", "消費税率",
]
# Amazon 注文レポート (merchant-fulfilled): the header of importers written against real reports
AMAZON_ORDER_REPORT_HEADER = [
    "order-id", "order-item-id", "purchase-date", "payments-date", "buyer-email", "buyer-name",
    "buyer-phone-number", "sku", "product-name", "quantity-purchased", "currency", "item-price",
    "item-tax", "shipping-price", "shipping-tax", "ship-service-level", "recipient-name",
    "ship-address-1", "ship-address-2", "ship-address-3", "ship-city", "ship-state", "ship-postal-code",
    "ship-country", "ship-phone-number", "delivery-start-date", "delivery-end-date",
    "delivery-time-zone", "delivery-Instructions", "sales-channel",
]
UCI_HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
              "CustomerID", "Country"]
UCI2_HEADER = ["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID",
               "Country"]


def _ecube3() -> list[str]:
    """EC-CUBE 3.0: the EC-CUBE 4 list without 注文番号 and 明細区分, with 郵便番号1/2, TEL1‥3, FAX1‥3."""
    out = []
    for name in ECUBE_HEADER:
        if name in ("注文番号", "明細区分(ID)", "明細区分(名称)"):
            continue
        if name == "郵便番号":
            out += ["郵便番号1", "郵便番号2"]
        elif name == "TEL":
            out += ["TEL1", "TEL2", "TEL3", "FAX1", "FAX2", "FAX3"]
        else:
            out.append(name)
    return out


ECUBE3_HEADER = _ecube3()
# EC-CUBE 2: csv_id 3 of html/install/sql/insert_data.sql; one row per order. The names between
# the ones EXPORT_FORMATS.md lists (住所, 性別 …) are unconfirmed.
ECUBE2_HEADER = [
    "注文番号", "会員ID", "要望等", "お名前(姓)", "お名前(名)", "お名前(フリガナ・姓)", "お名前(フリガナ・名)",
    "会社名", "メールアドレス", "電話番号1", "電話番号2", "電話番号3", "FAX1", "FAX2", "FAX3", "郵便番号1",
    "郵便番号2", "都道府県", "住所1", "住所2", "性別", "生年月日", "職種", "小計", "値引き", "送料", "手数料",
    "使用ポイント", "加算ポイント", "税金", "合計", "お支払い合計", "配送業者ID", "支払い方法", "SHOPメモ",
    "対応状況", "注文日時", "更新日時", "発送完了日時",
]


def table(header: list[str], rows: list[dict], *, encoding: str = "utf-8", delimiter: str = ",",
          quote_all: bool = False) -> bytes:
    """CSV bytes: header + rows (dicts keyed by header name; missing cells empty)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    positions = {}
    for i, name in enumerate(header):
        positions.setdefault(name, i)   # EC-CUBE has "送料" twice: rows fill the first
    for row in rows:
        unknown = set(row) - set(header)
        assert not unknown, unknown
        cells = [""] * len(header)
        for key, value in row.items():
            cells[positions[key]] = str(value)
        writer.writerow(cells)
    return buf.getvalue().encode(encoding)
