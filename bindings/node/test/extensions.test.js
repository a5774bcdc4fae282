"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const tether = require("../index.js");

test("parse: tokens case-insensitive, unknown ignored, spaces and duplicates tolerated", () => {
  assert.equal(tether.parseExtensions("ping/1, chunked/1"), tether.EXT_ALL);
  assert.equal(tether.parseExtensions("PING/1"), tether.EXT_PING);
  assert.equal(tether.parseExtensions(" chunked/1 ,\tfuture/3, chunked/1"), tether.EXT_CHUNKED);
  assert.equal(tether.parseExtensions(undefined), 0);
  assert.equal(tether.parseExtensions("ping/1, chunked/1", tether.EXT_PING), tether.EXT_PING);
});

test("parse refuses an oversize or malformed value, naming the header", () => {
  assert.throws(() => tether.parseExtensions("x".repeat(tether.EXTENSIONS_MAX_LENGTH + 1)),
    (e) => e instanceof tether.InvalidArgument && e.message.startsWith("tether-extensions"));
  assert.throws(() => tether.parseExtensions("ping/1, ,@@"), tether.InvalidArgument);
});

test("format and negotiate", () => {
  assert.equal(tether.formatExtensions(0), "");
  assert.equal(tether.formatExtensions(tether.EXT_ALL), "ping/1, chunked/1");
  assert.equal(tether.EXTENSIONS_OFFER, "ping/1, chunked/1");
  assert.throws(() => tether.formatExtensions(0x80), tether.InvalidArgument);
  assert.deepEqual(tether.negotiateExtensions("ping/1"), { accepted: tether.EXT_PING, header: "ping/1" });
  assert.deepEqual(tether.negotiateExtensions(undefined), { accepted: 0, header: null });
});
