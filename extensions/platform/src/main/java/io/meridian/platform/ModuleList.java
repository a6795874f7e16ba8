package io.meridian.platform;

import java.util.AbstractList;
import java.util.List;

/** Modules found in the catalog: a plain list that notebooks show as a table. */
public final class ModuleList extends AbstractList<Module> {
    private final List<Module> modules;

    ModuleList(List<Module> modules) {
        this.modules = List.copyOf(modules);
    }

    @Override
    public Module get(int index) {
        return modules.get(index);
    }

    @Override
    public int size() {
        return modules.size();
    }
}
