# Consistency tests: the manifest, the compiled cmdlets, their help, their tests, the format views and the
# documented ErrorIds agree with each other (as PSScriptAnalyzer's documentation tests and Pester's help tests do).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $cmdletNames = @(Get-Command -Module ModelOptimization -CommandType Cmdlet | Sort-Object Name | ForEach-Object Name)
    $common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
    $parameterCases = foreach ($name in $cmdletNames) {
        foreach ($p in (Get-Command $name).Parameters.Keys | Where-Object { $_ -notin $common }) { @{ Command = $name; Parameter = $p } }
    }
    $errorIdCases = [ModelOptimization.Core.Errors.ErrorIds].GetFields('Public,Static') |
        Where-Object IsLiteral | ForEach-Object { @{ ErrorId = $_.GetRawConstantValue() } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $moduleDir = Split-Path -Parent $ModulePath
    $module = Get-Module ModelOptimization
    $assembly = [ModelOptimization.PowerShell.Commands.ModelCmdletBase].Assembly
    $compiled = @($assembly.GetExportedTypes() |
            Where-Object { $_.IsSubclassOf([System.Management.Automation.Cmdlet]) -and -not $_.IsAbstract } |
            ForEach-Object {
                $attr = [System.Attribute]::GetCustomAttribute($_, [System.Management.Automation.CmdletAttribute])
                if ($attr) { "$($attr.VerbName)-$($attr.NounName)" }
            } | Sort-Object)
    $errorsHelp = Get-Content -Raw -LiteralPath (Join-Path $moduleDir 'en-US/about_ModelOptimization_Errors.help.txt')
}

Describe 'Module manifest' {
    It 'is valid (Test-ModuleManifest)' {
        $m = Test-ModuleManifest -Path $ModulePath -ErrorAction Stop
        $m.Name | Should -Be 'ModelOptimization'
        $m.Version | Should -Be (Import-PowerShellDataFile (Join-Path $RepoRoot 'ModelOptimization.psd1')).ModuleVersion
    }

    It 'is the manifest of the repository, copied unchanged' {
        (Get-FileHash -LiteralPath $ModulePath).Hash | Should -Be (Get-FileHash -LiteralPath (Join-Path $RepoRoot 'ModelOptimization.psd1')).Hash
    }

    It 'exports exactly the compiled cmdlets (CmdletsToExport = every [Cmdlet] class)' {
        $manifest = Import-PowerShellDataFile -LiteralPath $ModulePath
        @($manifest.CmdletsToExport | Sort-Object) | Should -Be $compiled
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be $compiled
    }

    It 'lists CmdletsToExport sorted' {
        $listed = @((Import-PowerShellDataFile -LiteralPath $ModulePath).CmdletsToExport)
        $listed | Should -Be @($listed | Sort-Object)
    }

    It 'derives every cmdlet from ModelCmdletBase and seals it' {
        $types = $assembly.GetExportedTypes() | Where-Object { $_.IsSubclassOf([System.Management.Automation.Cmdlet]) -and -not $_.IsAbstract }
        foreach ($t in $types) {
            $t.IsSubclassOf([ModelOptimization.PowerShell.Commands.ModelCmdletBase]) | Should -BeTrue -Because "$($t.Name) must use the shared error handling"
            $t.IsSealed | Should -BeTrue -Because "$($t.Name) is a leaf"
            $t.Name | Should -BeLike '*Command'
        }
    }

    It 'uses approved verbs' {
        $approved = (Get-Verb).Verb
        foreach ($name in $compiled) { ($name -split '-')[0] | Should -BeIn $approved }
    }
}

Describe 'Help of <_>' -ForEach $cmdletNames {
    BeforeAll {
        $help = Get-Help $_ -Full
    }

    It 'has a synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$_ *[<CommonParameters>]*" -Because 'an auto-generated synopsis means no help was found'
    }

    It 'has a description' {
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        foreach ($e in $help.Examples.Example) { $e.Code | Should -Not -BeNullOrEmpty }
    }

    It 'documents no parameter the cmdlet does not have' {
        $actual = (Get-Command $_).Parameters.Keys
        foreach ($p in $help.Parameters.Parameter) { $p.Name | Should -BeIn $actual }
    }

    It 'has a test file' {
        Test-Path -LiteralPath (Join-Path $PSScriptRoot "$_.Tests.ps1") | Should -BeTrue
    }
}

Describe 'Parameter help' {
    It '<Command> -<Parameter> is described' -ForEach $parameterCases {
        $p = (Get-Help $Command -Parameter $Parameter)
        ($p.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }
}

Describe 'About topics' {
    It 'has about_ModelOptimization' {
        (Get-Help about_ModelOptimization | Out-String) | Should -Match 'about_ModelOptimization'
        Test-Path -LiteralPath (Join-Path $moduleDir 'en-US/about_ModelOptimization.help.txt') | Should -BeTrue
    }

    It 'documents ErrorId <ErrorId> in about_ModelOptimization_Errors' -ForEach $errorIdCases {
        $errorsHelp | Should -Match "(?m)^\s+$ErrorId \("
    }

    It 'documents every ErrorId of ErrorIds.cs in the source too' {
        $source = Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'src/ModelOptimization.Core/Errors/ErrorIds.cs')
        $ids = [regex]::Matches($source, 'const string (\w+) = "(\w+)"') | ForEach-Object { $_.Groups[2].Value }
        $ids | Should -Not -BeNullOrEmpty
        foreach ($id in $ids) { $errorsHelp | Should -Match "(?m)^\s+$id \(" }
    }
}

Describe 'Format views' {
    It 'has a default table view and a one-line ToString for output type <_>' -ForEach @(
        'ModelOptimization.Core.Graph.Model'
        'ModelOptimization.PowerShell.Model.ModelLayer'
        'ModelOptimization.PowerShell.Model.ModelLayerTensor'
        'ModelOptimization.PowerShell.Model.ModelTensor'
    ) {
        $view = Get-FormatData -TypeName $_
        $view | Should -Not -BeNullOrEmpty
        $view.FormatViewDefinition.Control | Where-Object { $_ -is [System.Management.Automation.TableControl] } | Should -Not -BeNullOrEmpty
        $type = $_ -as [type]
        $type.GetMethod('ToString', [type[]]@()).DeclaringType | Should -Be $type
    }

    It 'has a view for every type a cmdlet declares in [OutputType]' {
        $types = foreach ($name in $compiled) {
            foreach ($o in (Get-Command $name).OutputType) { $o.Name }
        }
        foreach ($t in $types | Sort-Object -Unique | Where-Object { $_ -like 'ModelOptimization.*' }) {
            Get-FormatData -TypeName $t | Should -Not -BeNullOrEmpty -Because "$t is written by a cmdlet"
        }
    }

    It 'shows the model summary: Name, Format, Subgraphs, Operators, Parameters, Size, Quantization' {
        $text = Import-Model $MnistPath | Out-String -Width 200
        $text | Should -Match 'Name\s+Format\s+Subgraphs\s+Operators\s+Parameters\s+Size\s+Quantization'
        $text | Should -Match 'conv_fc_mnist_float\s+Tflite\s+1\s+6\s+50,610\s+200\.2 KB\s+float32'
    }

    It 'prints a model as one line' {
        (Import-Model $MnistPath).ToString() | Should -Be 'conv_fc_mnist_float (Tflite, 1 subgraph, 6 ops, 50,610 parameters, float32)'
    }
}
