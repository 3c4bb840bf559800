using System.Collections.Generic;

namespace BqBackup
{
    /// <summary>
    /// A list on an output object: a list for scripts, a JSON array in ConvertTo-Json, and one
    /// readable line ("a; b") wherever it becomes a string, as in Export-Csv (where an array or a
    /// plain list would show as its .NET type name).
    /// </summary>
    public class ReadableList<T> : List<T>
    {
        public ReadableList() { }

        public ReadableList(IEnumerable<T> items) : base(items) { }

        public override string ToString() => string.Join("; ", this);
    }
}
