using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace BqBackup.Catalog
{
    /// <summary>
    /// The sidecar &lt;name&gt;.meta.json. Its first six fields are bunqueue's own meta format, so
    /// `bunqueue backup restore` accepts our backups; the rest are ours and bunqueue ignores them.
    /// </summary>
    public sealed class BackupMetadata
    {
        public DateTime Timestamp { get; set; }
        public string Version { get; set; }
        public long Size { get; set; }
        public long CompressedSize { get; set; }
        public string Checksum { get; set; }
        public bool Compressed { get; set; }

        /// <summary>"age" when the body is age-encrypted, else null. With it, compressedSize is the stored (encrypted) body's size, and checksum and counts may be left out (-MinimalMetadata).</summary>
        public string Encryption { get; set; }
        /// <summary>The recipients' public keys (age1…), or "scrypt" for a passphrase. Never a secret.</summary>
        public string[] Recipients { get; set; }

        public string Tool { get; set; }
        public string Host { get; set; }
        public string SourcePath { get; set; }
        public int? SchemaVersion { get; set; }
        public JobCounts Counts { get; set; }
        /// <summary>
        /// The backup run that wrote this sidecar: a run claims its name by writing the sidecar first
        /// with only this in it, and deletes a sidecar only while it still holds its own run id.
        /// </summary>
        public string RunId { get; set; }
        /// <summary>"gzip" or "zstd": how the body is compressed (ours write it; bunqueue's have none and are gzip when compressed).</summary>
        public string Compression { get; set; }
        /// <summary>
        /// "ok" when the snapshot passed integrity_check before it was stored (every backup we write
        /// from now on): with a matching checksum, the restored copy is that snapshot, so a restore
        /// need not check it again. Absent in bunqueue's sidecars and in ours before this field.
        /// </summary>
        public string IntegrityCheck { get; set; }
        /// <summary>"gzipBlocks": where the gzip body's independently deflated blocks start, for a parallel inflate; null when unknown.</summary>
        public Codec.GzipBlockIndex GzipBlocks { get; set; }

        /// <summary>The value of "integrityCheck" that says the snapshot passed.</summary>
        public const string IntegrityCheckOk = "ok";

        public byte[] ToJson()
        {
            using (var buffer = new MemoryStream())
            {
                using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
                {
                    w.WriteStartObject();
                    w.WriteString("timestamp", Timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                    w.WriteString("version", Version);
                    w.WriteNumber("size", Size);
                    w.WriteNumber("compressedSize", CompressedSize);
                    if (Checksum != null) w.WriteString("checksum", Checksum);
                    w.WriteBoolean("compressed", Compressed);
                    if (Encryption != null) w.WriteString("encryption", Encryption);
                    if (Recipients != null)
                    {
                        w.WriteStartArray("recipients");
                        foreach (var r in Recipients) w.WriteStringValue(r);
                        w.WriteEndArray();
                    }
                    if (Tool != null) w.WriteString("tool", Tool);
                    if (Host != null) w.WriteString("host", Host);
                    if (SourcePath != null) w.WriteString("sourcePath", SourcePath);
                    if (SchemaVersion.HasValue) w.WriteNumber("schemaVersion", SchemaVersion.Value);
                    if (RunId != null) w.WriteString("runId", RunId);
                    if (Compression != null) w.WriteString("compression", Compression);
                    if (IntegrityCheck != null) w.WriteString("integrityCheck", IntegrityCheck);
                    if (GzipBlocks != null)
                    {
                        w.WriteStartObject("gzipBlocks");
                        w.WriteNumber("blockSize", GzipBlocks.BlockSize);
                        w.WriteString("lengths", GzipBlocks.EncodeLengths());
                        w.WriteEndObject();
                    }
                    if (Counts != null)
                    {
                        w.WriteStartObject("counts");
                        w.WriteNumber("waiting", Counts.Waiting);
                        w.WriteNumber("prioritized", Counts.Prioritized);
                        w.WriteNumber("delayed", Counts.Delayed);
                        w.WriteNumber("waitingChildren", Counts.WaitingChildren);
                        w.WriteNumber("active", Counts.Active);
                        w.WriteNumber("completed", Counts.Completed);
                        w.WriteNumber("other", Counts.Other);
                        w.WriteNumber("dlq", Counts.Dlq);
                        w.WriteNumber("cronJobs", Counts.CronJobs);
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                }
                return buffer.ToArray();
            }
        }

        /// <summary>Parses a sidecar; null with a reason when it is not a usable bunqueue-format meta.</summary>
        public static BackupMetadata Parse(byte[] json, out string problem)
        {
            problem = null;
            try
            {
                using (var doc = JsonDocument.Parse(json))
                {
                    var root = doc.RootElement;
                    if (root.ValueKind != JsonValueKind.Object) { problem = "not a JSON object"; return null; }
                    var meta = new BackupMetadata();
                    if (!TryString(root, "timestamp", out var ts) || !DateTime.TryParse(ts, CultureInfo.InvariantCulture,
                            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
                    { problem = "no valid 'timestamp'"; return null; }
                    meta.Timestamp = parsed;
                    meta.Version = TryString(root, "version", out var v) ? v : null;
                    if (!TryLong(root, "size", out var size) || size < 0) { problem = "no valid 'size'"; return null; }
                    meta.Size = size;
                    meta.CompressedSize = TryLong(root, "compressedSize", out var cs) ? cs : -1;
                    meta.Compressed = root.TryGetProperty("compressed", out var c) && c.ValueKind == JsonValueKind.True;
                    if (!ReadEncryption(root, meta, out problem)) return null;
                    // An encrypted body is authenticated by age: its sidecar may leave the checksum out (-MinimalMetadata).
                    if (meta.Encryption != null && !root.TryGetProperty("checksum", out _)) meta.Checksum = null;
                    else if (!TryString(root, "checksum", out var sum) || !IsSha256Hex(sum)) { problem = "no valid 'checksum' (64 hex digits)"; return null; }
                    else meta.Checksum = sum.ToLowerInvariant();
                    meta.Tool = TryString(root, "tool", out var tool) ? tool : null;
                    meta.Host = TryString(root, "host", out var host) ? host : null;
                    meta.SourcePath = TryString(root, "sourcePath", out var sp) ? sp : null;
                    // A version beyond int32 is junk, not a version to truncate into another one: read as unknown.
                    meta.SchemaVersion = TryLong(root, "schemaVersion", out var sv) && sv >= int.MinValue && sv <= int.MaxValue ? (int?)sv : null;
                    meta.RunId = TryString(root, "runId", out var run) ? run : null;
                    meta.Compression = TryString(root, "compression", out var compression) ? compression : null;
                    meta.IntegrityCheck = TryString(root, "integrityCheck", out var ic) ? ic : null;
                    // A malformed index is ignored, never an error: the body is then read as one stream and checked as ever.
                    if (root.TryGetProperty("gzipBlocks", out var blocks) && blocks.ValueKind == JsonValueKind.Object
                        && TryLong(blocks, "blockSize", out var blockSize) && TryString(blocks, "lengths", out var lengths))
                        meta.GzipBlocks = Codec.GzipBlockIndex.TryDecode(blockSize, lengths);
                    if (root.TryGetProperty("counts", out var counts) && counts.ValueKind == JsonValueKind.Object)
                    {
                        long Get(string name) => TryLong(counts, name, out var n) ? n : 0;
                        meta.Counts = new JobCounts
                        {
                            Waiting = Get("waiting"), Prioritized = Get("prioritized"), Delayed = Get("delayed"),
                            WaitingChildren = Get("waitingChildren"), Active = Get("active"), Completed = Get("completed"),
                            Other = Get("other"), Dlq = Get("dlq"), CronJobs = Get("cronJobs"),
                        };
                    }
                    return meta;
                }
            }
            catch (JsonException e)
            {
                problem = "not valid JSON: " + e.Message;
                return null;
            }
        }

        private static bool ReadEncryption(JsonElement root, BackupMetadata meta, out string problem)
        {
            problem = null;
            if (!root.TryGetProperty("encryption", out var e) || e.ValueKind == JsonValueKind.Null) return true;
            if (e.ValueKind != JsonValueKind.String || e.GetString() != EncryptionAge) { problem = "an unknown 'encryption' (only \"age\" is read)"; return false; }
            meta.Encryption = EncryptionAge;
            if (root.TryGetProperty("recipients", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                var names = new System.Collections.Generic.List<string>();
                foreach (var item in list.EnumerateArray())
                    if (item.ValueKind == JsonValueKind.String && item.GetString().Length <= 256) names.Add(item.GetString());
                meta.Recipients = names.ToArray();
            }
            return true;
        }

        /// <summary>The one value of "encryption" there is.</summary>
        public const string EncryptionAge = "age";

        /// <summary>The "runId" of any sidecar, a claim or a complete one; null when it has none or is not JSON.</summary>
        public static string ReadRunId(byte[] json)
        {
            try
            {
                using (var doc = JsonDocument.Parse(json))
                    return doc.RootElement.ValueKind == JsonValueKind.Object && TryString(doc.RootElement, "runId", out var run) ? run : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        public static bool IsSha256Hex(string s)
        {
            if (s == null || s.Length != 64) return false;
            foreach (var ch in s)
                if (!Uri.IsHexDigit(ch)) return false;
            return true;
        }

        private static bool TryString(JsonElement e, string name, out string value)
        {
            value = e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            return value != null;
        }

        private static bool TryLong(JsonElement e, string name, out long value)
        {
            value = 0;
            return e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out value);
        }
    }
}
