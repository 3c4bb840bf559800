using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace BqBackup.State
{
    /// <summary>
    /// What one run has in flight that a kill would leave behind: a partial body in a folder, or
    /// a multipart upload in a bucket. It names its owner by pid, start time and boot, and the
    /// store by folder path or endpoint and bucket (never a credential).
    /// </summary>
    internal sealed class InFlightRecord
    {
        public const int CurrentVersion = 1;
        public const string FolderKind = "folder";
        public const string S3Kind = "s3";
        /// <summary>Records are a few hundred bytes; anything much larger is not one of ours.</summary>
        public const int MaxBytes = 16 * 1024;

        public string Kind { get; set; }
        public int Pid { get; set; }
        public string StartTime { get; set; }
        public string BootId { get; set; }
        public DateTime Created { get; set; }
        /// <summary>The owner gave up on it while still running (an abort that could not reach the server): anyone may clean it.</summary>
        public bool Abandoned { get; set; }
        public string Folder { get; set; }
        public string Partial { get; set; }
        public string Endpoint { get; set; }
        public string Bucket { get; set; }
        public string Key { get; set; }
        public string UploadId { get; set; }

        /// <summary>The record's file; not stored in it.</summary>
        public string Path { get; set; }

        public static InFlightRecord ForPartial(string folder, string partial) => Owned(new InFlightRecord { Kind = FolderKind, Folder = folder, Partial = partial });

        public static InFlightRecord ForUpload(string endpoint, string bucket, string key, string uploadId) =>
            Owned(new InFlightRecord { Kind = S3Kind, Endpoint = NormalizeEndpoint(endpoint), Bucket = bucket, Key = key, UploadId = uploadId });

        /// <summary>One spelling per endpoint, so a record matches the store it came from however the URL was typed.</summary>
        public static string NormalizeEndpoint(string endpoint) => endpoint?.Trim().TrimEnd('/').ToLowerInvariant();

        public bool IsFor(string endpoint, string bucket) =>
            Kind == S3Kind && NormalizeEndpoint(Endpoint) == NormalizeEndpoint(endpoint) && string.Equals(Bucket, bucket, StringComparison.Ordinal);

        private static InFlightRecord Owned(InFlightRecord r)
        {
            var me = ProcessIdentity.Current;
            r.Pid = me.Pid;
            r.StartTime = me.StartTime;
            r.BootId = me.BootId;
            r.Created = DateTime.UtcNow;
            return r;
        }

        /// <summary>The process that wrote it is gone (or gave it up): what it names is left over.</summary>
        public bool OwnerIsGone => Abandoned || !ProcessIdentity.IsRunning(Pid, StartTime, BootId);

        public string Describe() => Kind == FolderKind ? $"partial file '{Partial}'" : $"multipart upload of '{Key}' (upload id {UploadId}) in bucket '{Bucket}' at {Endpoint}";

        public string DescribeOwner() => Abandoned
            ? $"given up by process {Pid} on {Created:yyyy-MM-dd HH:mm:ss} UTC"
            : $"left by process {Pid}, which is gone, on {Created:yyyy-MM-dd HH:mm:ss} UTC";

        public byte[] ToJson()
        {
            using (var buffer = new MemoryStream())
            {
                using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
                {
                    w.WriteStartObject();
                    w.WriteNumber("version", CurrentVersion);
                    w.WriteString("kind", Kind);
                    w.WriteNumber("pid", Pid);
                    if (StartTime != null) w.WriteString("startTime", StartTime);
                    if (BootId != null) w.WriteString("bootId", BootId);
                    w.WriteString("created", Created.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                    if (Abandoned) w.WriteBoolean("abandoned", true);
                    if (Kind == FolderKind)
                    {
                        w.WriteString("folder", Folder);
                        w.WriteString("partial", Partial);
                    }
                    else
                    {
                        w.WriteString("endpoint", Endpoint);
                        w.WriteString("bucket", Bucket);
                        w.WriteString("key", Key);
                        w.WriteString("uploadId", UploadId);
                    }
                    w.WriteEndObject();
                }
                return buffer.ToArray();
            }
        }

        /// <summary>The record in <paramref name="content"/>, or null with <paramref name="problem"/> saying why it is junk. Never throws.</summary>
        public static InFlightRecord TryParse(byte[] content, out string problem)
        {
            problem = null;
            if (content.Length == 0) { problem = "it is empty"; return null; }
            try
            {
                using (var doc = JsonDocument.Parse(content))
                {
                    var root = doc.RootElement;
                    if (root.ValueKind != JsonValueKind.Object) { problem = "it is not a JSON object"; return null; }
                    string S(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                    int I(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var v) ? v : -1;
                    var r = new InFlightRecord
                    {
                        Kind = S("kind"), Pid = I("pid"), StartTime = S("startTime"), BootId = S("bootId"),
                        Abandoned = root.TryGetProperty("abandoned", out var a) && a.ValueKind == JsonValueKind.True,
                        Folder = S("folder"), Partial = S("partial"),
                        Endpoint = S("endpoint"), Bucket = S("bucket"), Key = S("key"), UploadId = S("uploadId"),
                    };
                    if (I("version") != CurrentVersion) problem = "its version is not " + CurrentVersion;
                    else if (r.Pid <= 0) problem = "it names no process";
                    else if (!DateTime.TryParse(S("created"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var created))
                        problem = "it has no creation time";
                    else
                    {
                        r.Created = created;
                        if (r.Kind == FolderKind)
                        {
                            if (string.IsNullOrEmpty(r.Folder) || string.IsNullOrEmpty(r.Partial)) problem = "it names no folder or partial file";
                        }
                        else if (r.Kind == S3Kind)
                        {
                            if (string.IsNullOrEmpty(r.Endpoint) || string.IsNullOrEmpty(r.Bucket) || string.IsNullOrEmpty(r.Key) || string.IsNullOrEmpty(r.UploadId))
                                problem = "it names no endpoint, bucket, key or upload id";
                        }
                        else problem = "its kind is neither 'folder' nor 's3'";
                    }
                    return problem == null ? r : null;
                }
            }
            catch (JsonException)
            {
                problem = "it is not JSON";
                return null;
            }
            catch (ArgumentException)
            {
                problem = "it is not UTF-8 JSON";
                return null;
            }
        }
    }
}
