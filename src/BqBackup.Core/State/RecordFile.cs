using System;
using System.IO;
using BqBackup.IO;

namespace BqBackup.State
{
    /// <summary>Reads one small record file without following a link at its name, and only if it is a regular file of this user's.</summary>
    internal static class RecordFile
    {
        /// <summary>
        /// The file's bytes; null with <paramref name="problem"/> saying why it is not a record,
        /// or null with no problem when it vanished meanwhile (its owner released it).
        /// </summary>
        public static byte[] Read(string path, int maxBytes, out string problem)
        {
            problem = null;
            try
            {
                if (NativeFile.IsLinkOrReparsePoint(path)) { problem = $"it is a symbolic link (to '{NativeFile.ReadLink(path)}'), not a record"; return null; }
                var status = NativeFile.LStat(path);
                if (status.HasValue)
                {
                    if (!status.Value.IsRegularFile) { problem = "it is not a regular file"; return null; }
                    var me = NativeFile.EffectiveUserId();
                    if (me.HasValue && status.Value.Uid != me.Value) { problem = $"it belongs to uid {status.Value.Uid}, not to this user"; return null; }
                }
                else if (!NativeFile.IsWindows)
                {
                    if (Directory.Exists(path)) { problem = "it is a folder"; return null; }
                    if (!File.Exists(path)) return null;
                }
                using (var stream = Open(path))
                {
                    var buffer = new byte[maxBytes + 1];
                    var total = 0;
                    int n;
                    while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0) total += n;
                    if (total > maxBytes) { problem = $"it is larger than {maxBytes:N0} bytes"; return null; }
                    var content = new byte[total];
                    Buffer.BlockCopy(buffer, 0, content, 0, total);
                    return content;
                }
            }
            catch (FileNotFoundException) { return null; }
            catch (DirectoryNotFoundException) { return null; }
            catch (UnauthorizedAccessException e) { problem = $"it cannot be read: {e.Message}"; return null; }
            catch (BqBackupException e) { problem = e.Message; return null; }
            catch (IOException e) { problem = $"it cannot be read: {e.Message}"; return null; }
        }

        private static Stream Open(string path) => NativeFile.IsWindows
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete)
            : new FileStream(NativeFile.OpenNoFollow(path, write: false), FileAccess.Read);
    }
}
