# Get-Help for every exported cmdlet, generated at build time from module/help/*.md into
# BqBackup.dll-Help.xml, and the about_BqBackup topic.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    # Every exported command, so a cmdlet added later is held to the same rules at once.
    $script:Commands = @(Get-Command -Module BqBackup | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:ModuleDir = Join-Path $RepoRoot 'out/BqBackup'
    $script:CommonParameters = @([System.Management.Automation.Cmdlet]::CommonParameters) + 'ProgressAction'
    function Get-HelpText($Node) { (@($Node) | Where-Object { $_ } | ForEach-Object { $_.Text }) -join "`n" }
}

Describe 'Help of <Name>' -ForEach $Commands {
    BeforeAll {
        $script:command = Get-Command $Name
        $script:help = Get-Help $Name -Full
    }

    It 'comes from the module''s MAML file, not from PowerShell''s syntax-only stand-in' {
        $help.PSObject.TypeNames | Should -Contain 'MamlCommandHelpInfo'
    }

    It 'has a synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without help, PowerShell makes the synopsis from the syntax, starting with the name.
        $help.Synopsis.Trim() | Should -Not -Match "^$([regex]::Escape($Name))\b"
    }

    It 'has a description' {
        (Get-HelpText $help.description).Length | Should -BeGreaterThan 100
    }

    It 'has at least three examples, each with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 3
        foreach ($example in $examples) { $example.code | Should -Not -BeNullOrEmpty }
    }

    It 'describes every parameter, the common S3 ones included' {
        $missing = foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $CommonParameters }) {
            $entry = @($help.parameters.parameter) | Where-Object { $_.name -eq $parameter }
            # The generator adds which parameter sets it is in; that alone is no description.
            $text = (Get-HelpText $entry.description) -replace '(?m)^Parameter sets: .*$', ''
            if (-not $entry -or -not $text.Trim()) { $parameter }
        }
        $missing | Should -BeNullOrEmpty -Because "every parameter of $Name needs a '### -Name' section in module/help/$Name.md (or _Common.md)"
    }

    It 'shows the syntax of every parameter set' {
        @($help.syntax.syntaxItem).Count | Should -Be @($command.ParameterSets).Count
    }

    It 'names its inputs' {
        @($help.inputTypes.inputType).Count | Should -BeGreaterThan 0
        foreach ($input in @($help.inputTypes.inputType)) { $input.type.name | Should -Not -BeNullOrEmpty }
    }

    It 'names every output type, with each of its properties' {
        $outputs = @($help.returnValues.returnValue)
        foreach ($type in @($command.OutputType | ForEach-Object { $_.Type } | Where-Object { $_ })) {
            $entry = $outputs | Where-Object { $_.type.name -eq $type.FullName }
            $entry | Should -Not -BeNullOrEmpty -Because "$Name outputs $($type.FullName)"
            if ($type.Namespace -notlike 'BqBackup*') { continue }
            $text = Get-HelpText $entry.description
            $undocumented = $type.GetProperties() | Where-Object { $text -notmatch "\b$($_.Name)\b" } | ForEach-Object Name
            $undocumented | Should -BeNullOrEmpty -Because "the help of $Name should say what each property of $($type.FullName) is"
        }
    }

    It 'links to the about topic' {
        @($help.relatedLinks.navigationLink).linkText | Should -Contain 'about_BqBackup'
    }
}

Describe 'The help sources in module/help' {
    It 'document only parameters the cmdlet has (<Name>)' -ForEach $Commands {
        $source = Join-Path $RepoRoot "module/help/$Name.md"
        $source | Should -Exist
        $documented = Select-String -LiteralPath $source -Pattern '^### -(\w+)\s*$' | ForEach-Object { $_.Matches[0].Groups[1].Value }
        $stale = $documented | Where-Object { -not (Get-Command $Name).Parameters.ContainsKey($_) }
        $stale | Should -BeNullOrEmpty -Because "module/help/$Name.md documents parameters $Name does not have"
    }

    It 'say which errors terminate and which do not, for each cmdlet that works on a destination (<Name>)' -ForEach @(
        @{ Name = 'New-BqBackup' }, @{ Name = 'Get-BqBackup' }, @{ Name = 'Get-BqBackupStatus' }, @{ Name = 'Test-BqBackup' }, @{ Name = 'Restore-BqBackup' }, @{ Name = 'Remove-BqBackupExpired' }
    ) {
        $notes = (Get-Help $Name -Full).alertSet | Out-String
        $notes | Should -Match 'Errors:' -Because "module/help/$Name.md needs an 'Errors:' paragraph in its Notes"
        $notes | Should -Match 'non-terminating'
        $notes | Should -Match 'Terminating'
    }

    It 'describe shared parameters that some cmdlet has' {
        $all = Get-Command -Module BqBackup | ForEach-Object { $_.Parameters.Keys }
        $shared = Select-String -LiteralPath (Join-Path $RepoRoot 'module/help/_Common.md') -Pattern '^### -(\w+)\s*$' | ForEach-Object { $_.Matches[0].Groups[1].Value }
        $shared | Should -Not -BeNullOrEmpty
        $shared | Where-Object { $_ -notin $all } | Should -BeNullOrEmpty
    }

    It 'are not shipped: the module holds the generated help only' {
        Join-Path $ModuleDir 'BqBackup.dll-Help.xml' | Should -Exist
        Join-Path $ModuleDir 'BqBackup.dll' | Should -Exist
        Join-Path $ModuleDir 'en-US/about_BqBackup.help.txt' | Should -Exist
        Join-Path $ModuleDir 'help' | Should -Not -Exist
        Join-Path $ModuleDir 'Build-Help.ps1' | Should -Not -Exist
        @(Get-ChildItem -LiteralPath $ModuleDir -Recurse -Filter '*.md').Count | Should -Be 0
    }

    It 'make well-formed MAML' {
        $xml = [xml](Get-Content -Raw (Join-Path $ModuleDir 'BqBackup.dll-Help.xml'))
        $xml.helpItems.schema | Should -Be 'maml'
        @($xml.helpItems.command).Count | Should -Be @(Get-Command -Module BqBackup -CommandType Cmdlet).Count
    }
}

Describe 'about_BqBackup' {
    BeforeAll {
        $script:about = (Get-Help about_BqBackup | Out-String)
        $script:aboutFlat = ($about -replace '\s+', ' ')
    }

    It 'is found by Get-Help' {
        $about | Should -Match 'TOPIC\s+about_BqBackup'
        $about | Should -Match 'SHORT DESCRIPTION'
    }

    It 'carries the README''s disaster-recovery runbook, step by step' {
        $readme = Get-Content -Raw (Join-Path $RepoRoot 'README.md')
        $runbook = [regex]::Match($readme, '(?ms)^## Disaster recovery runbook\s*$(.*?)(?=^## )').Groups[1].Value
        $runbook | Should -Not -BeNullOrEmpty
        # Each numbered step and each paragraph, as plain text.
        $pieces = [regex]::Split($runbook.Trim(), '\r?\n(?=\d+\. )|\r?\n\s*\r?\n') | Where-Object { $_.Trim() }
        $pieces.Count | Should -BeGreaterOrEqual 6
        foreach ($piece in $pieces) {
            $plain = (($piece -replace '\*\*', '' -replace '`', '') -replace '\s+', ' ').Trim()
            $aboutFlat | Should -Match ([regex]::Escape($plain))
        }
    }

    It 'lists every cmdlet with its synopsis' {
        foreach ($command in Get-Command -Module BqBackup) {
            $synopsis = ((Get-Help $command.Name).Synopsis -replace '\s+', ' ').Trim()
            $aboutFlat | Should -Match ([regex]::Escape($synopsis))
        }
    }
}
