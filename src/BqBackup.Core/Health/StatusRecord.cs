using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using BqBackup.Storage;

namespace BqBackup.Health
{
    /// <summary>
    /// The last backup attempts, kept in the destination itself (bqbackup-status.json) so a failed
    /// upload is visible from any machine that can read the store, not only the one that failed.
    /// </summary>
    public sealed class StatusRecord
    {
        public const string Key = "bqbackup-status.json";

        public DateTime? LastSuccess { get; set; }
        public string LastSuccessName { get; set; }
        public DateTime? LastFailure { get; set; }
        public string LastFailureErrorId { get; set; }
        public string LastFailureMessage { get; set; }
        public string Host { get; set; }
        public string SourcePath { get; set; }

        /// <summary>True when the newest attempt is a failure.</summary>
        public bool LastAttemptFailed => LastFailure.HasValue && (!LastSuccess.HasValue || LastFailure > LastSuccess);

        public static StatusRecord Read(IBackupStore store, OperationContext ctx) => Read(store, ctx, out _);

        /// <summary>
        /// The record, or null when there is none or it cannot be read. <paramref name="damage"/>
        /// says why one that exists was unreadable (not JSON, not an object, binary junk), so the
        /// next backup can replace it and say so; junk never becomes an exception.
        /// </summary>
        public static StatusRecord Read(IBackupStore store, OperationContext ctx, out string damage)
        {
            damage = null;
            try
            {
                if (store.Stat(Key, ctx.Cancellation) == null) return null;
                using (var stream = store.OpenRead(Key, ctx.Cancellation))
                using (var doc = JsonDocument.Parse(stream))
                {
                    var root = doc.RootElement;
                    if (root.ValueKind != JsonValueKind.Object)
                    {
                        damage = $"it holds a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object";
                        return null;
                    }
                    string S(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                    DateTime? T(string name) => DateTime.TryParse(S(name), CultureInfo.InvariantCulture,
                        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTime?)null;
                    return new StatusRecord
                    {
                        LastSuccess = T("lastSuccess"), LastSuccessName = S("lastSuccessName"),
                        LastFailure = T("lastFailure"), LastFailureErrorId = S("lastFailureErrorId"), LastFailureMessage = S("lastFailureMessage"),
                        Host = S("host"), SourcePath = S("sourcePath"),
                    };
                }
            }
            catch (Exception e) when (e is JsonException || e is ArgumentException || e is InvalidOperationException || e is FormatException || e is DecoderFallbackException)
            {
                damage = "it is not readable JSON";
                ctx.WriteVerbose($"The status record '{Key}' in '{store.Location}' is damaged: {damage}.");
                return null;
            }
            catch (Exception e) when (e is BqBackupException || e is IOException)
            {
                ctx.WriteVerbose($"No readable status record in the destination ({e.Message}).");
                return null;
            }
        }

        /// <summary>Best effort: a store that cannot take the record must not turn a good backup into a failed one.</summary>
        public static void Record(IBackupStore store, OperationContext ctx, Action<StatusRecord> update)
        {
            try
            {
                var record = Read(store, ctx, out var damage) ?? new StatusRecord();
                if (damage != null)
                    ctx.WriteWarning($"The status record '{Key}' in '{store.Location}' was damaged ({damage}); it is replaced with a new one.");
                update(record);
                record.Host = Environment.MachineName;
                store.Put(Key, record.ToJson(), "application/json", overwrite: true, ctx.Cancellation);
            }
            catch (Exception e) when (e is BqBackupException || e is IOException)
            {
                ctx.WriteWarning($"Could not update the status record '{Key}' in '{store.Location}': {e.Message}");
            }
        }

        private byte[] ToJson()
        {
            using (var buffer = new MemoryStream())
            {
                using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
                {
                    string Iso(DateTime? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                    w.WriteStartObject();
                    w.WriteString("lastSuccess", Iso(LastSuccess));
                    w.WriteString("lastSuccessName", LastSuccessName);
                    w.WriteString("lastFailure", Iso(LastFailure));
                    w.WriteString("lastFailureErrorId", LastFailureErrorId);
                    w.WriteString("lastFailureMessage", LastFailureMessage);
                    w.WriteString("host", Host);
                    w.WriteString("sourcePath", SourcePath);
                    w.WriteEndObject();
                }
                return buffer.ToArray();
            }
        }
    }
}
