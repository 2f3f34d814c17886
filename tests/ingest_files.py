"""Realistic order files for the ingest tests, written in memory with each platform's real headers.

Each builder returns (bytes, filename). Unlisted columns of a row are left empty, as the
platforms leave them. The header lists come from the same sources as the presets
(engine/data/presets/*.toml name them).
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
BASE_HEADER = [
    "注文ID", "注文日時", "氏名(姓)", "氏名(名)", "郵便番号", "都道府県", "住所", "住所2", "電話番号",
    "メールアドレス", "配送先氏名(姓)", "配送先氏名(名)", "配送先郵便番号", "配送先都道府県", "配送先住所",
    "配送先住所2", "配送先電話番号", "備考", "商品名", "バリエーション", "価格", "税率", "数量", "合計金額",
    "送料", "支払い方法", "代引き手数料", "発送状況", "商品ID", "種類ID", "購入元", "配送日", "配送時間帯",
    "注文メモ", "調整金額",
]
YAHOO_HEADER = [
    "OrderId", "OrderTime", "OrderStatus", "BillFirstName", "BillLastName", "BillPhoneNumber",
    "BillMailAddress", "ShipCharge", "PayCharge", "Discount", "UsePoint", "Total", "TotalPrice",
    "LineId", "Quantity", "ItemId", "SubCode", "Title", "UnitPrice", "LineSubTotal",
]
FUTURESHOP_HEADER = ["受注コード", "注文日時", "会員ID", "購入者姓", "購入者名", "メールアドレス", "電話番号",
                     "商品番号", "商品名", "数量", "単価", "合計金額", "受注ステータス"]
MAKESHOP_HEADER = ["日付", "注文時間", "注文番号", "処理状況", "注文者", "注文者(振り仮名)", "会員ID",
                   "メールアドレス", "電話番号", "商品名", "独自商品コード", "数量", "販売価格", "合計金額"]
COLORME_HEADER = ["売上ID", "受注日", "顧客ID", "購入者名", "メールアドレス", "電話番号", "商品ID", "型番",
                  "商品名", "販売価格", "販売個数", "合計金額", "キャンセル"]
NEXT_ENGINE_HEADER = [
    "店舗伝票番号", "受注日", "受注郵便番号", "受注住所1", "受注住所2", "受注名", "受注名カナ", "受注電話番号",
    "受注メールアドレス", "発送郵便番号", "発送先住所1", "発送先住所2", "発送先名", "発送先カナ", "発送電話番号",
    "支払方法", "発送方法", "商品計", "税金", "発送料", "手数料", "ポイント", "その他費用", "合計金額",
    "ギフトフラグ", "時間帯指定", "日付指定", "作業者欄", "備考", "商品名", "商品コード", "商品価格", "受注数量",
    "商品オプション", "出荷済フラグ", "顧客区分", "顧客コード",
]
UCI_HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
              "CustomerID", "Country"]


def table(header: list[str], rows: list[dict], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """CSV bytes: header + rows (dicts keyed by header name; missing cells empty)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
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
