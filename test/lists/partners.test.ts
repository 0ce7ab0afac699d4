import { decodeText, PartnerListError, parsePartnerList } from "../../src/lists/partners";

const domains = (text: string) => parsePartnerList(text).domains.map((d) => d.ascii);

describe("partner lists", () => {
  it("a plain list: addresses and domains, display names, comments and blank lines; duplicates folded", () => {
    expect(domains("# partners\nA@Example.JP\n\nexample.jp\nTaro <t@例え.jp>\n  other.co.jp  \n")).toEqual([
      "example.jp",
      "xn--r8jz45g.jp",
      "other.co.jp",
    ]);
  });

  it.each([
    [
      "RecipientAddress (Exchange message trace)",
      "Received,SenderAddress,RecipientAddress,Subject\n1,s@ours.jp,r@a.jp,x\n",
    ],
    [
      "recipient_address (historical search)",
      "origin_timestamp_utc,sender_address,recipient_address\n1,s@ours.jp,r@a.jp\n",
    ],
    ["E-mail Address (Outlook contacts)", "First Name,Last Name,E-mail Address\nTaro,Yamada,r@a.jp\n"],
    ["電子メール アドレス (Japanese Outlook)", "名,姓,電子メール アドレス\n太郎,山田,r@a.jp\n"],
    ["Recipients holding several", 'Subject,Recipients\nx,"r@a.jp; q@a.jp; p@b.jp"\n'],
    ["domain", "domain,count\na.jp,3\n"],
  ])("finds the column by its header: %s", (_, csv) => {
    const list = parsePartnerList(csv);
    expect(list.domains[0].ascii).toBe("a.jp");
    expect(list.column).toBeDefined();
    expect(list.invalidCount).toBe(0);
  });

  it("without a header it takes the first column; quoted commas and semicolon files are read", () => {
    expect(domains('a.jp,"note, with comma"\nb.jp,x\n')).toEqual(["a.jp", "b.jp"]);
    expect(domains("email;name\nr@a.jp;Taro\n")).toEqual(["a.jp"]);
  });

  it("lists what is not an address or domain, by line, and keeps the rest", () => {
    const list = parsePartnerList("email\nr@a.jp\nnot an address\nq@b.jp\n");
    expect(list.domains.map((d) => d.ascii)).toEqual(["a.jp", "b.jp"]);
    expect(list.invalid).toEqual([{ line: 3, input: "not an address", why: expect.any(String) }]);
  });

  it.each([
    ["binary", "PK\u0003\u0004\u0000\u0000"],
    ["nothing", "# only a comment\n\n"],
  ])("refuses %s", (_, text) => {
    expect(() => parsePartnerList(text)).toThrow(PartnerListError);
  });

  it("refuses a list over its limit", () => {
    expect(() => parsePartnerList("a.jp\nb.jp\nc.jp\n", { maxEntries: 2 })).toThrow(/more than 2 entries/);
  });

  it("decodes UTF-8 (with BOM), UTF-16 with a BOM and Shift_JIS", () => {
    const text = "ドメイン\nr@例え.jp\n";
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(text)]))).toBe(text);
    expect(decodeText(new Uint8Array([0xff, 0xfe, ...Buffer.from(text, "utf16le")]))).toBe(text);
    // "メール" in Shift_JIS.
    expect(decodeText(new Uint8Array([0x83, 0x81, 0x81, 0x5b, 0x83, 0x8b]))).toBe("メール");
  });
});
