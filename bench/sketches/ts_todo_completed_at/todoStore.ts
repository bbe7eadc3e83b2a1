// In-memory todo store with change subscriptions and simple filtering.

export type Priority = "low" | "normal" | "high";

export interface Todo {
  id: number;
  title: string;
  done: boolean;
  priority: Priority;
  tags: string[];
  createdAt: Date;
  dueDate?: Date;
}

export type Filter = "all" | "open" | "done" | "overdue";

export type Listener = (todos: readonly Todo[]) => void;

const PRIORITY_ORDER: Record<Priority, number> = {
  high: 0,
  normal: 1,
  low: 2,
};

export class TodoStore {
  private todos: Todo[] = [];
  private nextId = 1;
  private listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.todos);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private notify(): void {
    const snapshot = [...this.todos];
    for (const listener of this.listeners) {
      listener(snapshot);
    }
  }

  add(title: string, priority: Priority = "normal", dueDate?: Date): Todo {
    const trimmed = title.trim();
    if (trimmed.length === 0) {
      throw new Error("title must not be empty");
    }
    const todo: Todo = {
      id: this.nextId++,
      title: trimmed,
      done: false,
      priority,
      tags: [],
      createdAt: new Date(),
      dueDate,
    };
    this.todos.push(todo);
    this.notify();
    return todo;
  }

  get(id: number): Todo {
    const todo = this.todos.find((t) => t.id === id);
    if (!todo) {
      throw new Error(`no todo with id ${id}`);
    }
    return todo;
  }

  toggle(id: number): Todo {
    const todo = this.get(id);
    todo.done = !todo.done;
    this.notify();
    return todo;
  }

  rename(id: number, title: string): void {
    const trimmed = title.trim();
    if (trimmed.length === 0) {
      throw new Error("title must not be empty");
    }
    this.get(id).title = trimmed;
    this.notify();
  }

  tag(id: number, tag: string): void {
    const todo = this.get(id);
    if (!todo.tags.includes(tag)) {
      todo.tags.push(tag);
      this.notify();
    }
  }

  remove(id: number): boolean {
    const before = this.todos.length;
    this.todos = this.todos.filter((t) => t.id !== id);
    const removed = this.todos.length !== before;
    if (removed) {
      this.notify();
    }
    return removed;
  }

  clearDone(): number {
    const before = this.todos.length;
    this.todos = this.todos.filter((t) => !t.done);
    const removed = before - this.todos.length;
    if (removed > 0) {
      this.notify();
    }
    return removed;
  }

  list(filter: Filter = "all", now: Date = new Date()): Todo[] {
    const matches = this.todos.filter((t) => {
      switch (filter) {
        case "open":
          return !t.done;
        case "done":
          return t.done;
        case "overdue":
          return !t.done && t.dueDate !== undefined && t.dueDate < now;
        default:
          return true;
      }
    });
    return matches.sort(
      (a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || a.id - b.id,
    );
  }

  get openCount(): number {
    return this.todos.filter((t) => !t.done).length;
  }
}
