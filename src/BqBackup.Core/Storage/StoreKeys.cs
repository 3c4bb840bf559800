using System.IO;
using System.Linq;

namespace BqBackup.Storage
{
    internal static class StoreKeys
    {
        /// <summary>
        /// A key must be a plain file name: a listing from a hostile or broken store can never make
        /// us read or write outside the destination or a download folder.
        /// </summary>
        public static string Validate(string key)
        {
            if (string.IsNullOrEmpty(key) || key == "." || key == ".." || key.StartsWith(".")
                || key.IndexOf('/') >= 0 || key.IndexOf('\\') >= 0 || key.IndexOf(':') >= 0
                || key.Any(c => c < 0x20) || key.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            {
                throw new BqBackupException(ErrorIds.UnsafeKey, BqErrorCategory.SecurityError,
                    $"The object name '{key}' is not a plain file name and would escape the destination; it was not used.",
                    key, "Remove or rename the object in the store; backup names look like backup-YYYY-MM-DDTHH-mm-ss.db.gz.");
            }
            return key;
        }

        public static bool IsSafe(string key)
        {
            try { Validate(key); return true; }
            catch (BqBackupException) { return false; }
        }
    }
}
